package io.descent.data.idx;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small IDX files for tests.
 */
final class IdxFiles
{
    private IdxFiles()
    {
    }

    static byte[] idx(final int magic, final int[] dimensions, final byte[] data) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (final int dimension : dimensions)
        {
            out.writeInt(dimension);
        }
        out.write(data);
        out.flush();
        return bytes.toByteArray();
    }

    static void writeGz(final Path file, final byte[] content) throws IOException
    {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)))
        {
            out.write(content);
        }
    }

    static byte[] images(final int count) throws IOException
    {
        final byte[] pixels = new byte[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }
        return idx(IdxReader.MAGIC_UBYTE_RANK3, new int[]{count, 28, 28}, pixels);
    }

    static byte[] labels(final int count) throws IOException
    {
        final byte[] labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
        }
        return idx(IdxReader.MAGIC_UBYTE_RANK1, new int[]{count}, labels);
    }

    static void writeDataset(final Path dir, final int trainCount, final int testCount) throws IOException
    {
        writeGz(dir.resolve("train-images-idx3-ubyte.gz"), images(trainCount));
        writeGz(dir.resolve("train-labels-idx1-ubyte.gz"), labels(trainCount));
        writeGz(dir.resolve("t10k-images-idx3-ubyte.gz"), images(testCount));
        writeGz(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(testCount));
    }
}
