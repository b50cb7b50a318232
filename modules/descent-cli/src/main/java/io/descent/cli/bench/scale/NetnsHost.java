package io.descent.cli.bench.scale;

import io.descent.nn.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What {@code --netns} needs from this machine: root and iproute2's {@code ip netns}. */
interface NetnsHost
{
    /** @return whether this process runs as root (uid 0). */
    boolean isRoot();

    /** @return whether {@code ip netns list} works. */
    boolean hasIpNetns();

    /**
     * @throws BadInputException with one line saying what is missing and how to get it.
     */
    default void requireUsable()
    {
        if (!isRoot())
        {
            throw new BadInputException("--netns needs root (it creates network namespaces); run it with sudo, or " +
                "drop --netns to run local processes");
        }
        if (!hasIpNetns())
        {
            throw new BadInputException("--netns needs 'ip netns', which is not available; install iproute2 " +
                "(apt-get install -y iproute2)");
        }
    }

    /** @return this machine, as seen by this process. */
    static NetnsHost system()
    {
        return new NetnsHost()
        {
            @Override
            public boolean isRoot()
            {
                try
                {
                    // The owner of /proc/self is this process's effective user.
                    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
                }
                catch (final IOException | UnsupportedOperationException ex)
                {
                    return false;
                }
            }

            @Override
            public boolean hasIpNetns()
            {
                try
                {
                    final Process ip = new ProcessBuilder("ip", "netns", "list")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (!ip.waitFor(10, TimeUnit.SECONDS))
                    {
                        ip.destroyForcibly();
                        return false;
                    }
                    return ip.exitValue() == 0;
                }
                catch (final IOException ex)
                {
                    return false;
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
    }
}
