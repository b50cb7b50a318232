package io.descent.cluster.local;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * The one Aeron media driver the nodes of a local cluster share (Aeron's usual deployment: one driver per host).
 * Runs embedded in the launcher's JVM, which is otherwise idle while the job runs; every child connects to it as
 * an external driver and receives over IPC ({@code descent.cluster.data-plane.bind = ipc}), so a gradient or a
 * copy of the weights is one copy into a shared log buffer and one copy out, with no system call and no driver
 * thread in between. The driver only runs its conductor (publication set-up, flow-control limits, liveness),
 * one thread that parks up to {@code descent.transport.driver.idle-max-park} (1 ms here) when idle.
 *
 * <p>Settings come from {@code descent.transport} (system properties over reference.conf), with the threading
 * mode {@code shared} and the idle park set here unless configured. Close it after the children have exited: it
 * deletes the driver's directory.
 */
final class SharedMediaDriver implements AutoCloseable
{
    private final Transport transport;

    private SharedMediaDriver(final Transport transport)
    {
        this.transport = transport;
    }

    /**
     * Starts the driver in a unique directory under {@code descent.transport.driver.base-dir}.
     *
     * @return the running driver.
     * @throws IllegalStateException when it cannot start.
     */
    static SharedMediaDriver start()
    {
        return new SharedMediaDriver(Transport.start(settings()));
    }

    /**
     * @return the directory under which this host's drivers make their unique directories
     * ({@code descent.transport.driver.base-dir}, as the children read it too: they inherit this JVM's flags).
     */
    static Path baseDir()
    {
        return settings().driver().baseDir();
    }

    private static TransportSettings settings()
    {
        return TransportSettings.from(ConfigFactory.systemProperties()
            .withFallback(ConfigFactory.parseString(
                "descent.transport.driver { mode = embedded, dir = \"\", threading-mode = shared, " +
                "idle-max-park = 1ms }"))
            .withFallback(ConfigFactory.load()));
    }

    /** @return JVM flags that make a child connect to this driver instead of starting its own. */
    List<String> childFlags()
    {
        return List.of(
            "-Ddescent.transport.driver.mode=external",
            "-Ddescent.transport.driver.dir=" + transport.driver().directory());
    }

    /** Closes the driver and deletes its directory; idempotent. */
    @Override
    public void close()
    {
        transport.close();
    }
}
