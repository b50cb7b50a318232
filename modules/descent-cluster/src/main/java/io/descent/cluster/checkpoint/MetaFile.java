package io.descent.cluster.checkpoint;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.descent.nn.error.BadInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The wire form of a checkpoint's {@code meta.kryo}: a little-endian int64 CRC32C of the rest, then with Kryo the
 * {@link Checkpoint} and the CRC32C of each vector file. The leading checksum is verified before Kryo reads a byte, so
 * a damaged file is reported as such instead of being parsed into nonsense. Stateless and thread-safe.
 */
final class MetaFile
{
    /** A checkpoint's metadata and the CRC32C of each of its vector files, in order. */
    record Contents(Checkpoint checkpoint, long[] vectorChecksums)
    {
    }

    private static final int CHECKSUM_BYTES = Long.BYTES;

    private MetaFile()
    {
    }

    /** @return the file's bytes for {@code checkpoint} whose vectors have {@code vectorChecksums}. */
    static ByteBuffer encode(final Checkpoint checkpoint, final long[] vectorChecksums)
    {
        try (Output output = new Output(4096, -1))
        {
            final Kryo kryo = newKryo();
            kryo.writeClassAndObject(output, checkpoint);
            kryo.writeObject(output, vectorChecksums);
            final byte[] body = output.toBytes();
            final ByteBuffer file = ByteBuffer.allocate(CHECKSUM_BYTES + body.length).order(ByteOrder.LITTLE_ENDIAN);
            file.putLong(crc32c(ByteBuffer.wrap(body)));
            file.put(body);
            return file.flip();
        }
    }

    /**
     * @param bytes the file's bytes.
     * @param file  where they were read, for the message.
     * @return the contents.
     * @throws BadInputException when the file is damaged or not a checkpoint of this version.
     */
    static Contents decode(final byte[] bytes, final Path file)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length <= CHECKSUM_BYTES ||
            buffer.getLong(0) != crc32c(ByteBuffer.wrap(bytes, CHECKSUM_BYTES, bytes.length - CHECKSUM_BYTES)))
        {
            throw corrupt(file, "its checksum does not match its contents", null);
        }
        try (Input input = new Input(bytes, CHECKSUM_BYTES, bytes.length - CHECKSUM_BYTES))
        {
            final Kryo kryo = newKryo();
            final Checkpoint checkpoint = (Checkpoint)kryo.readClassAndObject(input);
            final long[] checksums = kryo.readObject(input, long[].class);
            if (null == checkpoint || null == checksums || checksums.length != checkpoint.vectorLengths().length)
            {
                throw corrupt(file, "it does not list a checksum per vector", null);
            }
            return new Contents(checkpoint, checksums);
        }
        catch (final KryoException | ClassCastException ex)
        {
            throw corrupt(file, "it cannot be decoded (" + ex.getMessage() + ")", ex);
        }
    }

    /** @return the CRC32C of the bytes remaining in {@code bytes} (its position is left as it was). */
    static long crc32c(final ByteBuffer bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return crc.getValue();
    }

    private static BadInputException corrupt(final Path file, final String why, final Throwable cause)
    {
        return new BadInputException("checkpoint metadata " + file + " is damaged or from another Descent version: " +
            why + "; delete its checkpoint directory to resume from an older one", cause);
    }

    private static Kryo newKryo()
    {
        final Kryo kryo = new Kryo();
        kryo.register(Checkpoint.class, 10);
        kryo.register(long[].class, 11);
        return kryo;
    }
}
