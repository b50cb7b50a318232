package io.descent.data.idx;

import io.descent.nn.error.BadInputException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files (the MNIST format), gzip-compressed when the name ends in {@code .gz}.
 *
 * <p>Header: a big-endian magic {@code 0x00000800 | rank}, then {@code rank} big-endian int dimensions, then exactly
 * the product of the dimensions in bytes. Anything else is reported as a {@link BadInputException} naming the file.
 * Stateless and thread-safe.
 */
public final class IdxReader
{
    /**
     * Magic number of a rank-1 unsigned-byte IDX file (labels).
     */
    public static final int MAGIC_UBYTE_RANK1 = 0x00000801;

    /**
     * Magic number of a rank-3 unsigned-byte IDX file (images).
     */
    public static final int MAGIC_UBYTE_RANK3 = 0x00000803;

    private static final int BUFFER_BYTES = 1 << 16;

    private IdxReader()
    {
    }

    /**
     * Read a whole IDX file into memory.
     *
     * @param file          the file; {@code .gz} names are decompressed.
     * @param expectedMagic {@link #MAGIC_UBYTE_RANK1} or {@link #MAGIC_UBYTE_RANK3}.
     * @param howToFix      appended to every error message, e.g. {@code "; re-install it with: ..."}.
     * @return dimensions and data.
     * @throws BadInputException if the file cannot be read, or is corrupt, truncated or longer than its header says.
     */
    public static IdxData read(final Path file, final int expectedMagic, final String howToFix)
    {
        try (InputStream raw = Files.newInputStream(file);
            InputStream in = open(file, raw))
        {
            final DataInputStream header = new DataInputStream(in);
            final int magic = header.readInt();
            if (magic != expectedMagic)
            {
                throw new BadInputException(String.format(
                    "%s is not the expected IDX file: bad magic number 0x%08x, expected 0x%08x%s",
                    file, magic, expectedMagic, howToFix));
            }
            final int[] dimensions = new int[expectedMagic & 0xFF];
            long length = 1;
            for (int i = 0; i < dimensions.length; i++)
            {
                dimensions[i] = header.readInt();
                length *= Math.max(dimensions[i], 0);
                if (dimensions[i] < 0 || length > Integer.MAX_VALUE - 16)
                {
                    throw new BadInputException(
                        file + " is corrupt: IDX dimension " + i + " is " + dimensions[i] +
                        " (total too large or negative)" + howToFix);
                }
            }
            return new IdxData(dimensions, readExactly(file, in, (int)length, howToFix));
        }
        catch (final EOFException | ZipException ex)
        {
            throw new BadInputException(
                file + " is truncated or corrupt (" +
                (ex.getMessage() == null ? "unexpected end of file" : ex.getMessage()) + ")" + howToFix, ex);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("cannot read " + file + ": " + ex + howToFix, ex);
        }
    }

    private static InputStream open(final Path file, final InputStream raw) throws IOException
    {
        final InputStream buffered = new BufferedInputStream(raw, BUFFER_BYTES);
        return file.getFileName().toString().endsWith(".gz") ?
            new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_BYTES), BUFFER_BYTES) : buffered;
    }

    private static byte[] readExactly(
        final Path file, final InputStream in, final int length, final String howToFix) throws IOException
    {
        final byte[] data = new byte[length];
        final int read = in.readNBytes(data, 0, length);
        if (read < length)
        {
            throw new BadInputException(
                file + " is truncated: expected " + length + " data bytes after the header, got " + read + howToFix);
        }
        if (in.read() != -1)
        {
            throw new BadInputException(
                file + " is corrupt: more than the " + length + " data bytes its header announces" + howToFix);
        }
        return data;
    }
}
