package io.descent.transport;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.config.TransportSettings;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Test helpers: settings with a private base directory, condition polling with a deadline. */
public final class TestTransports
{
    private TestTransports()
    {
    }

    /** @return a fresh directory for Aeron directories of one test, under /dev/shm when present. */
    public static Path newBaseDir()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) ?
                Files.createTempDirectory(shm, "descent-test-") : Files.createTempDirectory("descent-test-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("creating a test base directory", ex);
        }
    }

    /** Deletes a test base directory and everything under it. */
    public static void deleteBaseDir(final Path baseDir)
    {
        if (null != baseDir)
        {
            IoUtil.delete(baseDir.toFile(), true);
        }
    }

    /**
     * @param baseDir   where the driver's unique directory goes.
     * @param overrides HOCON overriding reference.conf (relative to {@code descent.transport}).
     * @return validated settings.
     */
    public static TransportSettings settings(final Path baseDir, final String overrides)
    {
        final TransportSettings settings = TransportSettings.from(
            ConfigFactory.parseString("descent.transport { " + overrides + " }"));
        return settings.withDriver(settings.driver().withBaseDir(baseDir));
    }

    /** Polls {@code condition} until it holds, failing after {@code timeout}. */
    public static void await(final BooleanSupplier condition, final Duration timeout, final String what)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
