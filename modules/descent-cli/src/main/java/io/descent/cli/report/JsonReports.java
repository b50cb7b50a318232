package io.descent.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes JSON reports atomically: to a temporary file beside the target, fsync, then rename over the target.
 * A reader sees either the old report or the whole new one, never half of it.
 */
public final class JsonReports
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReports()
    {
    }

    /**
     * Serialises {@code report} (maps, lists, records, numbers, strings) to {@code target} atomically.
     *
     * @param target the report file; its directory must exist.
     * @param report the value to write.
     */
    public static void writeAtomically(final Path target, final Object report)
    {
        final Path absolute = target.toAbsolutePath();
        final Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        try
        {
            try (OutputStream out = Files.newOutputStream(tmp))
            {
                MAPPER.writeValue(out, report);
            }
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
            throw new UncheckedIOException("writing report " + absolute, ex);
        }
    }

    /** @return the shared mapper (thread-safe once configured), for tests that read reports back. */
    public static ObjectMapper mapper()
    {
        return MAPPER;
    }
}
