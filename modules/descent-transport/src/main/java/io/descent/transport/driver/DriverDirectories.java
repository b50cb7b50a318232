package io.descent.transport.driver;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names, creates and cleans Aeron directories of embedded drivers: a unique directory per process
 * ({@code descent-aeron-<pid>-<random>}, mode 0700, holding the driver's directory {@value #DRIVER_SUBDIR}), and
 * removal of directories whose driver process is dead (killed before it could delete its directory). Stateless;
 * thread-safe.
 *
 * <p>Why a directory inside a private one: the media driver deletes and re-creates its own directory at start with the
 * process's umask (usually 0755, files 0644), so on a shared host anyone could read the gradients and weights in its
 * log buffers. A parent only the owner may enter closes that from before the first file exists; the driver's directory
 * is also set to 0700 once it runs ({@link #restrict}), which is all a configured directory gets.
 */
public final class DriverDirectories
{
    /** Prefix of every directory made by {@link #newUnique(Path)}. */
    public static final String PREFIX = "descent-aeron-";
    /** The driver's own directory inside a private unique one ({@link #createPrivate}). */
    public static final String DRIVER_SUBDIR = "driver";
    /** Owner only: {@code rwx------}. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private static final Logger LOG = LoggerFactory.getLogger(DriverDirectories.class);
    private static final Pattern UNIQUE_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-[0-9a-f]+");

    private DriverDirectories()
    {
    }

    /**
     * @param baseDir where to make it (e.g. /dev/shm).
     * @return a path, not yet created, that no other process uses.
     */
    public static Path newUnique(final Path baseDir)
    {
        final long pid = ProcessHandle.current().pid();
        return baseDir.resolve(PREFIX + pid + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /**
     * Creates {@code dir} (from {@link #newUnique(Path)}) readable by its owner only.
     *
     * @param dir the private directory, not yet existing.
     * @return the media driver's directory inside it, not yet created (the driver creates it).
     * @throws IllegalStateException when it cannot be created.
     */
    public static Path createPrivate(final Path dir)
    {
        try
        {
            try
            {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            catch (final UnsupportedOperationException ex)
            {
                // Not a POSIX file system: nothing to restrict with.
                Files.createDirectory(dir);
            }
            restrict(dir);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create the Aeron directory " + dir + ": " + ex +
                " (check descent.transport.driver.base-dir)", ex);
        }
        return dir.resolve(DRIVER_SUBDIR);
    }

    /**
     * Sets {@code dir} to {@link #OWNER_ONLY} where the file system has POSIX permissions; logs when it cannot.
     *
     * @param dir an existing directory.
     */
    public static void restrict(final Path dir)
    {
        try
        {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            LOG.warn("could not make the Aeron directory {} private (mode 0700): {}", dir, ex.toString());
        }
    }

    /**
     * Deletes directories under {@code baseDir} made by {@link #newUnique(Path)} whose process is dead and whose
     * driver heartbeat is older than {@code driverTimeoutMs} (both, so that a live driver in another PID namespace
     * sharing /dev/shm is never touched).
     *
     * @return how many directories were deleted.
     */
    public static int sweepStale(final Path baseDir, final long driverTimeoutMs)
    {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(baseDir, PREFIX + "*"))
        {
            for (final Path dir : entries)
            {
                final Matcher name = UNIQUE_NAME.matcher(dir.getFileName().toString());
                if (name.matches() && !isAlive(Long.parseLong(name.group(1))) && !isActive(dir, driverTimeoutMs) &&
                    !isActive(dir.resolve(DRIVER_SUBDIR), driverTimeoutMs))
                {
                    LOG.info("removing stale Aeron directory {} (its process {} is gone)", dir, name.group(1));
                    IoUtil.delete(dir.toFile(), true);
                    deleted++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.debug("could not sweep stale Aeron directories in {}", baseDir, ex);
        }
        return deleted;
    }

    /**
     * Deletes the directories under {@code baseDir} made by {@link #newUnique(Path)} in process {@code pid}, once that
     * process has ended (a launcher cleaning up after a child it had to kill). Does nothing while it is alive.
     *
     * @param baseDir where the process made them.
     * @param pid     the process.
     * @return how many directories were deleted.
     */
    public static int removeOfEnded(final Path baseDir, final long pid)
    {
        if (isAlive(pid))
        {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(baseDir, PREFIX + pid + "-*"))
        {
            for (final Path dir : entries)
            {
                if (UNIQUE_NAME.matcher(dir.getFileName().toString()).matches())
                {
                    LOG.info("removing Aeron directory {} of ended process {}", dir, pid);
                    IoUtil.delete(dir.toFile(), true);
                    deleted++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.debug("could not remove the Aeron directories of process {} in {}", pid, baseDir, ex);
        }
        return deleted;
    }

    /**
     * @param dir an Aeron directory.
     * @return true when it holds a CnC file written by a process that no longer exists.
     */
    public static boolean isOwnerDead(final Path dir)
    {
        final long pid = ownerPid(dir);
        return pid > 0 && !isAlive(pid);
    }

    /**
     * @param dir an Aeron directory.
     * @return the pid recorded in its CnC file, or -1 when there is no readable CnC file.
     */
    public static long ownerPid(final Path dir)
    {
        final File cnc = dir.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cnc.isFile() || cnc.length() < CncFileDescriptor.META_DATA_LENGTH)
        {
            return -1;
        }
        MappedByteBuffer mapped = null;
        try
        {
            mapped = IoUtil.mapExistingFile(cnc, "cnc", 0, CncFileDescriptor.META_DATA_LENGTH);
            return new UnsafeBuffer(mapped).getLong(CncFileDescriptor.pidOffset(0));
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        finally
        {
            if (null != mapped)
            {
                IoUtil.unmap(mapped);
            }
        }
    }

    private static boolean isActive(final Path dir, final long driverTimeoutMs)
    {
        try
        {
            return CommonContext.isDriverActive(dir.toFile(), driverTimeoutMs, message -> { });
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    private static boolean isAlive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
