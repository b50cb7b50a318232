package io.descent.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file atomically: into a temporary file beside the target, fsync, then rename over the target. A reader
 * sees the old file or the whole new one, never part of it; on failure the temporary file is removed and the old
 * file is untouched.
 */
public final class AtomicFiles
{
    /** Writes the content of a file at the given (temporary) path. */
    @FunctionalInterface
    public interface Content
    {
        /**
         * @param path where to write.
         * @throws IOException when writing fails.
         */
        void writeTo(Path path) throws IOException;
    }

    private AtomicFiles()
    {
    }

    /**
     * @param target  the file to create or replace; its directory must exist.
     * @param content writes the new content.
     * @throws UncheckedIOException naming the target when any step fails.
     */
    public static void write(final Path target, final Content content)
    {
        final Path absolute = target.toAbsolutePath();
        final Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        try
        {
            content.writeTo(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
            try
            {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(tmp);
            }
            catch (final IOException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("writing " + absolute, ex);
        }
    }
}
