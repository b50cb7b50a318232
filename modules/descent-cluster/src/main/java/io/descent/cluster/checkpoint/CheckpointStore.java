package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;
import io.descent.nn.optim.Finite;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes and reads checkpoints in a directory: each is a sub-directory {@code step-<step>} holding {@code meta.kryo}
 * and {@code vector-<i>.f32} (raw little-endian float32). A checkpoint is written into a temporary directory, every
 * file fsynced, then renamed into place and the parent fsynced, so a crash leaves either the old or the new
 * checkpoint, never a torn one. The metadata carries a CRC32C of itself and of every vector file ({@link MetaFile});
 * a restore verifies them and that the vectors are finite, so a damaged checkpoint, or one of another job, is bad
 * input ({@link BadInputException}), never silently resumed. Stateless apart from the directory; call from the thread
 * that owns the vectors.
 */
public final class CheckpointStore
{
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final String PREFIX = "step-";
    private static final String META = "meta.kryo";

    private CheckpointStore()
    {
    }

    /**
     * Writes a checkpoint atomically and deletes all but the newest {@code keep}.
     *
     * @param dir        the checkpoint directory (created if missing).
     * @param checkpoint its metadata.
     * @param vectors    the buffers, in {@link Checkpoint#vectorLengths()} order (contiguous float32).
     * @param keep       complete checkpoints to keep, ≥ 1.
     * @return the checkpoint's directory.
     */
    public static Path write(final Path dir, final Checkpoint checkpoint, final List<INDArray> vectors, final int keep)
    {
        if (vectors.size() != checkpoint.vectorLengths().length)
        {
            throw new IllegalArgumentException("checkpoint of step " + checkpoint.step() + " lists " +
                checkpoint.vectorLengths().length + " vectors, " + vectors.size() + " given");
        }
        final Path target = stepDir(dir, checkpoint.step());
        final String name = target.getFileName().toString();
        final Path temp = dir.resolve(".tmp-" + name);
        try
        {
            Files.createDirectories(dir);
            deleteTree(temp);
            Files.createDirectory(temp);
            final long[] checksums = new long[vectors.size()];
            for (int i = 0; i < vectors.size(); i++)
            {
                checksums[i] = MetaFile.crc32c(vectors.get(i).data().asNio());
            }
            writeFile(temp.resolve(META), MetaFile.encode(checkpoint, checksums));
            for (int i = 0; i < vectors.size(); i++)
            {
                writeFile(temp.resolve("vector-" + i + ".f32"), vectors.get(i).data().asNio());
            }
            fsync(temp);
            deleteTree(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(dir);
            prune(dir, keep);
            return target;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing checkpoint of step " + checkpoint.step() + " to " + target, ex);
        }
    }

    /** @return the directory of the checkpoint of {@code step} under {@code dir} (which may not exist). */
    public static Path stepDir(final Path dir, final long step)
    {
        return dir.resolve(String.format("%s%012d", PREFIX, step));
    }

    /** @return the steps of the complete checkpoints under {@code dir}, ascending (empty when it does not exist). */
    public static long[] steps(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return new long[0];
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
                .filter(p -> Files.isRegularFile(p.resolve(META)))
                .mapToLong(p -> Long.parseLong(p.getFileName().toString().substring(PREFIX.length()))).sorted()
                .toArray();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listing checkpoints in " + dir, ex);
        }
    }

    /**
     * Deletes the checkpoints under {@code dir} of steps after {@code step} (a server shard's part of checkpoints
     * that not every shard completed, when it resumes from {@code step}).
     *
     * @return how many were deleted.
     */
    public static int deleteAfter(final Path dir, final long step)
    {
        int deleted = 0;
        for (final long each : steps(dir))
        {
            if (each > step)
            {
                try
                {
                    deleteTree(stepDir(dir, each));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("deleting checkpoint " + stepDir(dir, each), ex);
                }
                deleted++;
            }
        }
        return deleted;
    }

    /** @return the newest complete checkpoint directory under {@code dir}, if any. */
    public static Optional<Path> latest(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                .filter(p -> Files.isRegularFile(p.resolve(META)))
                .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listing checkpoints in " + dir, ex);
        }
    }

    /**
     * Restores the newest checkpoint of {@code dir} into {@code vectors} after checking it belongs to this job.
     *
     * @param dir      the checkpoint directory.
     * @param identity the job's identity (model fingerprint and configuration digest must match).
     * @param shards   the job's number of workers (the checkpoint's step positions assume it).
     * @param vectors  the weights and optimizer state, overwritten.
     * @return the checkpoint's metadata.
     * @throws BadInputException when there is no checkpoint, it belongs to another model or job, or it is damaged.
     */
    public static Checkpoint restoreLatest(
        final Path dir, final JobIdentity identity, final int shards, final List<INDArray> vectors)
    {
        final Path path = latest(dir).orElseThrow(() -> new BadInputException("--resume " + dir +
            ": no checkpoint found (expected a directory " + PREFIX + "<step> with " + META + ")"));
        return restore(path, identity, shards, vectors);
    }

    /**
     * Restores one checkpoint into {@code vectors} after checking it belongs to this job.
     *
     * @param path     a {@code step-<step>} directory.
     * @param identity the job's identity (model fingerprint and configuration digest must match).
     * @param shards   the job's number of workers (the checkpoint's step positions assume it).
     * @param vectors  the weights (or a server shard's range of them) and optimizer state, overwritten.
     * @return the checkpoint's metadata.
     * @throws BadInputException when it belongs to another model or job, or it is damaged.
     */
    public static Checkpoint restore(
        final Path path, final JobIdentity identity, final int shards, final List<INDArray> vectors)
    {
        final MetaFile.Contents contents = readContents(path);
        final Checkpoint checkpoint = contents.checkpoint();
        if (checkpoint.fingerprint() != identity.fingerprint())
        {
            throw new BadInputException("--resume " + path + ": the checkpoint is of model " +
                checkpoint.architecture() + ", this job's model is " + identity.architecture());
        }
        if (checkpoint.configDigest() != identity.configDigest())
        {
            throw new BadInputException("--resume " + path + ": the checkpoint was written by a job with another " +
                "configuration; resume with the same job file, overrides and seed");
        }
        if (checkpoint.shards() != shards)
        {
            throw new BadInputException("--resume " + path + ": the checkpoint was written by a job with " +
                checkpoint.shards() + " workers; resume it with " + checkpoint.shards() + " workers, not " + shards);
        }
        if (checkpoint.vectorLengths().length != vectors.size())
        {
            throw new BadInputException("--resume " + path + ": it holds " + checkpoint.vectorLengths().length +
                " buffers, this optimizer needs " + vectors.size());
        }
        for (int i = 0; i < vectors.size(); i++)
        {
            if (checkpoint.vectorLengths()[i] != vectors.get(i).length())
            {
                throw new BadInputException("--resume " + path + ": its buffer " + i + " holds " +
                    checkpoint.vectorLengths()[i] + " floats, this job's holds " + vectors.get(i).length());
            }
        }
        for (int i = 0; i < vectors.size(); i++)
        {
            readInto(path.resolve("vector-" + i + ".f32"), vectors.get(i), contents.vectorChecksums()[i]);
        }
        LOG.info("resumed from checkpoint {} (step {}, epoch {})", path, checkpoint.step(), checkpoint.epoch());
        return checkpoint;
    }

    /**
     * @return the metadata of one checkpoint directory.
     * @throws BadInputException when it cannot be read or is damaged.
     */
    public static Checkpoint read(final Path checkpointDir)
    {
        return readContents(checkpointDir).checkpoint();
    }

    /**
     * Reads one checkpoint's weights (its first vector), with the checks a restore makes: the metadata's checksum,
     * the file's length and CRC32C, finite values. For turning a checkpoint into a model artifact.
     *
     * @param checkpointDir a {@code step-<n>} directory.
     * @param weights       overwritten; as long as the checkpoint's first vector.
     * @return the checkpoint's metadata.
     * @throws BadInputException when the checkpoint is damaged or its weights have another length.
     */
    public static Checkpoint readWeights(final Path checkpointDir, final INDArray weights)
    {
        final MetaFile.Contents contents = readContents(checkpointDir);
        if (contents.checkpoint().vectorLengths()[0] != weights.length())
        {
            throw damaged(checkpointDir.resolve("vector-0.f32"), "it holds " +
                contents.checkpoint().vectorLengths()[0] + " weights, the model has " + weights.length());
        }
        readInto(checkpointDir.resolve("vector-0.f32"), weights, contents.vectorChecksums()[0]);
        return contents.checkpoint();
    }

    private static MetaFile.Contents readContents(final Path checkpointDir)
    {
        final Path file = checkpointDir.resolve(META);
        try
        {
            return MetaFile.decode(Files.readAllBytes(file), file);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("checkpoint metadata " + file + " cannot be read: " + ex, ex);
        }
    }

    /** Reads a vector file into {@code vector}, checking its length, its checksum and that it is finite. */
    private static void readInto(final Path file, final INDArray vector, final long checksum)
    {
        final ByteBuffer destination = vector.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            if (channel.size() != destination.capacity())
            {
                throw damaged(file, "it has " + channel.size() + " bytes, expected " + destination.capacity());
            }
            while (destination.hasRemaining())
            {
                if (channel.read(destination) < 0)
                {
                    throw damaged(file, "it ended early");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new BadInputException("checkpoint file " + file + " cannot be read: " + ex, ex);
        }
        if (MetaFile.crc32c(destination.clear()) != checksum)
        {
            throw damaged(file, "its checksum does not match the one written with it");
        }
        if (!Finite.all(vector))
        {
            throw damaged(file, "it holds NaN or infinite values");
        }
    }

    private static BadInputException damaged(final Path file, final String why)
    {
        return new BadInputException("checkpoint file " + file + " is damaged: " + why + "; delete its checkpoint " +
            "directory to resume from an older one");
    }

    private static void writeFile(final Path file, final ByteBuffer bytes) throws IOException
    {
        final ByteBuffer source = bytes.duplicate();
        source.clear();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            while (source.hasRemaining())
            {
                channel.write(source);
            }
            channel.force(true);
        }
    }

    private static void fsync(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private static void prune(final Path dir, final int keep) throws IOException
    {
        final List<Path> complete;
        try (Stream<Path> entries = Files.list(dir))
        {
            complete = entries.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < complete.size() - keep; i++)
        {
            deleteTree(complete.get(i));
        }
    }

    private static void deleteTree(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(path))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
