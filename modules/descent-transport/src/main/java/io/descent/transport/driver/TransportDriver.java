package io.descent.transport.driver;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import io.descent.transport.config.DriverSettings;
import io.descent.transport.config.IdleSetting;
import io.descent.transport.config.Sizes;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The media driver of this process and the Aeron client connected to it. Embedded (default): a driver started in
 * this JVM in a unique directory only its user may enter (or the configured one, set to mode 0700 once the driver
 * runs; see {@link DriverDirectories}), deleted on {@link #close()}; a directory left behind by a killed process is
 * removed at start. External: only a client, connected to a driver already running in the
 * configured directory. Thread-safe (the Aeron client is); {@link #close()} may be called more than once and from
 * several threads (an owner's shutdown hook and its normal path): the first call closes, later ones return at once
 * (possibly before the first has finished: owners that need the order serialise their own close).
 */
public final class TransportDriver implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TransportDriver.class);
    /**
     * How long closing the client waits, after marking its publications and images closed, before it unmaps their
     * log buffers: a thread caught in the middle of an offer (a node's compute thread when a signal stops the
     * process) finishes its copy into memory that is still mapped, then sees the publication closed.
     */
    private static final long CLOSE_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final DriverSettings settings;
    private final Path directory;
    /** What {@link #close()} deletes: an embedded driver's private unique directory, or its configured one. */
    private final Path owned;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TransportDriver(
        final DriverSettings settings, final Path directory, final Path owned, final MediaDriver driver,
        final Aeron aeron)
    {
        this.settings = settings;
        this.directory = directory;
        this.owned = owned;
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * Starts (embedded) or connects to (external) the media driver and connects a client.
     *
     * @param settings validated driver settings.
     * @return the running driver and client.
     * @throws IllegalStateException when the directory is used by a live driver, or no driver answers (external).
     */
    public static TransportDriver start(final DriverSettings settings)
    {
        final long timeoutMs = DriverDirectories.millis(settings.timeoutNs());
        if (settings.mode() == DriverSettings.Mode.EXTERNAL)
        {
            return new TransportDriver(settings, settings.dir(), null, null, connect(settings.dir(), timeoutMs));
        }
        final Path dir;
        final Path owned;
        if (null == settings.dir())
        {
            DriverDirectories.sweepStale(settings.baseDir(), timeoutMs);
            owned = DriverDirectories.newUnique(settings.baseDir());
            dir = DriverDirectories.createPrivate(owned);
        }
        else
        {
            dir = settings.dir();
            owned = dir;
            if (Files.isDirectory(dir) && DriverDirectories.isOwnerDead(dir))
            {
                LOG.info("removing stale Aeron directory {} (its process {} is gone)", dir,
                    DriverDirectories.ownerPid(dir));
                IoUtil.delete(dir.toFile(), false);
            }
        }
        final MediaDriver driver;
        try
        {
            driver = launch(settings, dir, timeoutMs);
        }
        catch (final RuntimeException ex)
        {
            if (owned != dir)
            {
                IoUtil.delete(owned.toFile(), true);
            }
            throw ex;
        }
        // The driver re-created its directory with the umask's mode; publications' log buffers come later.
        DriverDirectories.restrict(dir);
        try
        {
            return new TransportDriver(settings, dir, owned, driver, connect(dir, timeoutMs));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            if (owned != dir)
            {
                IoUtil.delete(owned.toFile(), true);
            }
            throw ex;
        }
    }

    private static MediaDriver launch(final DriverSettings settings, final Path dir, final long timeoutMs)
    {
        final IdleSetting idle = settings.idle();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false)
            .threadingMode(settings.threadingMode().aeron())
            .conductorIdleStrategy(idle.newStrategy())
            .senderIdleStrategy(idle.newStrategy())
            .receiverIdleStrategy(idle.newStrategy())
            .sharedNetworkIdleStrategy(idle.newStrategy())
            .sharedIdleStrategy(idle.newStrategy())
            .publicationTermBufferLength(settings.termLength())
            .ipcTermBufferLength(settings.ipcTermLength())
            .mtuLength(settings.mtu())
            .ipcMtuLength(settings.ipcMtu())
            .socketSndbufLength(settings.socketSndbuf())
            .socketRcvbufLength(settings.socketRcvbuf())
            .termBufferSparseFile(settings.sparseTerms())
            .driverTimeoutMs(timeoutMs)
            .errorHandler(ex -> LOG.warn("media driver error in {}", dir, ex));
        receiverWindow(settings, context);
        try
        {
            final MediaDriver driver = MediaDriver.launch(context);
            LOG.debug("embedded media driver started in {} ({}, idle {})", dir, settings.threadingMode(), idle);
            return driver;
        }
        catch (final AeronException ex)
        {
            throw new IllegalStateException("cannot start a media driver in " + dir + ": " + ex.getMessage() +
                " (another live driver uses it? set descent.transport.driver.dir to another directory, or leave it" +
                " empty for a unique one)", ex);
        }
    }

    /**
     * A fixed window is Aeron's static window; auto shares each socket's payload budget among its images
     * ({@link SharedReceiverWindows}), Aeron's own window then being only the default a channel's checks see.
     */
    private static void receiverWindow(final DriverSettings settings, final MediaDriver.Context context)
    {
        if (!settings.autoReceiverWindow())
        {
            context.initialWindowLength(settings.receiverWindow());
            return;
        }
        final ReceiverWindow rule = ReceiverWindow.probe(settings.socketRcvbuf(), settings.termLength());
        context.initialWindowLength(rule.maxWindow()).congestControlSupplier(new SharedReceiverWindows(rule));
        LOG.info("UDP receiver window auto: requested SO_RCVBUF {}, {}", Sizes.format(settings.socketRcvbuf()),
            rule.describe());
    }

    private static Aeron connect(final Path dir, final long timeoutMs)
    {
        try
        {
            return Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(dir.toString())
                .driverTimeoutMs(timeoutMs)
                .closeLingerDurationNs(CLOSE_LINGER_NS)
                .errorHandler(ex -> LOG.warn("Aeron client error ({})", dir, ex)));
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("cannot connect to a media driver in " + dir + " within " + timeoutMs +
                " ms: " + ex.getMessage() + " (is it running? check descent.transport.driver.dir and .mode)", ex);
        }
    }

    /** @return the Aeron client (thread-safe). */
    public Aeron aeron()
    {
        return aeron;
    }

    /** @return the Aeron directory in use. */
    public Path directory()
    {
        return directory;
    }

    /** @return true when the driver runs in this JVM. */
    public boolean isEmbedded()
    {
        return null != driver;
    }

    /** @return the settings the driver was started with. */
    public DriverSettings settings()
    {
        return settings;
    }

    /**
     * Closes the client, then an embedded driver, and makes sure an embedded driver's directory is gone. Only the
     * first call does anything.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        CloseHelper.closeAll(aeron, driver);
        if (null != driver && Files.exists(owned))
        {
            IoUtil.delete(owned.toFile(), true);
        }
    }
}
