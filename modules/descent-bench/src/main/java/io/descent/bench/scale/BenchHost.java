package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the bench's modes need from this machine: root and iproute2's {@code ip netns} ({@code --netns}), util-linux's
 * {@code taskset} ({@code --cores-per-worker}).
 */
interface BenchHost
{
    /** @return whether this process runs as root (uid 0). */
    boolean isRoot();

    /** @return whether {@code ip netns list} works. */
    boolean hasIpNetns();

    /** @return whether {@code taskset} can be run. */
    boolean hasTaskset();

    /**
     * @throws BadInputException with one line saying what is missing and how to get it.
     */
    default void requireNetns()
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
    static BenchHost system()
    {
        return new BenchHost()
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
                return succeeds("ip", "netns", "list");
            }

            @Override
            public boolean hasTaskset()
            {
                return succeeds("taskset", "--version");
            }
        };
    }

    /** @return whether {@code command} runs and exits 0 within 10 s. */
    private static boolean succeeds(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
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
}
