package io.descent.pki;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes small files atomically (a temporary file in the same directory, forced to disk, then renamed over the
 * target) with owner-only permissions from their creation on, so a key is never readable by others, not even while it
 * is written. Directories it creates are 0700. Stateless and thread-safe.
 */
public final class PrivateFiles
{
    /** rw------- */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** rwx------ */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles()
    {
    }

    /**
     * Creates {@code dir} and its missing parents; the directories it creates are 0700.
     *
     * @param dir the directory.
     * @return {@code dir}.
     */
    public static Path directory(final Path dir)
    {
        try
        {
            if (Files.isDirectory(dir))
            {
                return dir;
            }
            final Path parent = dir.toAbsolutePath().getParent();
            if (null != parent)
            {
                directory(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            return dir;
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new BadInputException(dir + " exists and is not a directory; choose another directory");
        }
        catch (final IOException ex)
        {
            throw new BadInputException("cannot create the directory " + dir + ": " + ex.getMessage());
        }
    }

    /**
     * Writes {@code text} to {@code target}, 0600, atomically: readers see the old file or the whole new one.
     *
     * @param target the file.
     * @param text   its content (UTF-8).
     */
    public static void write(final Path target, final String text)
    {
        final Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try
        {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(FILE));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try
            {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing " + target, ex);
        }
        finally
        {
            if (null != temp)
            {
                try
                {
                    Files.deleteIfExists(temp);
                }
                catch (final IOException ignored)
                {
                    // The write failed already; that is what the caller hears about.
                }
            }
        }
    }

    /**
     * Deletes {@code dir} and everything under it; quietly does nothing when it does not exist.
     *
     * @param dir the directory.
     */
    public static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (var paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("deleting " + dir, ex);
        }
    }
}
