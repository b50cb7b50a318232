package io.descent.model.artifact;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The byte-level pieces of an artifact's files: little-endian float32 vectors, CRC32C, fsynced writes, checked reads.
 * Stateless and thread-safe.
 */
final class ArtifactFiles
{
    private ArtifactFiles()
    {
    }

    /** @return the values as little-endian float32 bytes. */
    static ByteBuffer floats(final float[] values)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    /** @return the CRC32C of all of {@code bytes} (its position is left as it was). */
    static long crc32c(final ByteBuffer bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().clear());
        return crc.getValue();
    }

    /** Writes a new file and forces it to the device. */
    static void write(final Path file, final ByteBuffer bytes) throws IOException
    {
        final ByteBuffer source = bytes.duplicate().clear();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            while (source.hasRemaining())
            {
                channel.write(source);
            }
            channel.force(true);
        }
    }

    /** Forces a directory's entries to the device. */
    static void fsync(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /**
     * @param file     the file to read.
     * @param checksum the CRC32C it must have.
     * @param what     what it is, for the message.
     * @return its bytes.
     * @throws BadInputException when it is missing, unreadable or its checksum differs.
     */
    static byte[] readChecked(final Path file, final long checksum, final String what)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("model artifact: " + what + " " + file + " cannot be read (" + ex +
                "); save the model again", ex);
        }
        if (crc32c(ByteBuffer.wrap(bytes)) != checksum)
        {
            throw new BadInputException("model artifact: " + what + " " + file + " is damaged (its CRC32C does not " +
                "match model.json); save the model again or copy it anew");
        }
        return bytes;
    }

    /** @return the little-endian float32 values of {@code bytes}. */
    static float[] toFloats(final byte[] bytes)
    {
        final float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
