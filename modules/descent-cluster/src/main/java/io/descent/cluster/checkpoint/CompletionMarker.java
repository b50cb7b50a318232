package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The mark a completed job leaves in its checkpoint directory: a small text file {@value #FILE} of {@code key=value}
 * lines (the job's identity, worker count, final step and completion time), written atomically (temporary file,
 * fsync, rename, fsync of the directory) after the final checkpoint and the report. A parameter server started with
 * {@code --resume} on a directory holding this job's marker has nothing left to do: it says so and exits 0, so a
 * restarted server pod does not wait for workers that are gone. A marker of another job there is bad input. Immutable;
 * its methods touch only the directory given.
 *
 * @param fingerprint     the model fingerprint hash.
 * @param architecture    the model architecture, for messages.
 * @param configDigest    digest of the job configuration ({@link JobIdentity#configDigest()}).
 * @param shards          the job's number of workers.
 * @param steps           the job's final step count (the weights version of its final checkpoint).
 * @param completedMillis wall-clock time of completion, epoch milliseconds.
 */
public record CompletionMarker(
    long fingerprint, String architecture, long configDigest, int shards, long steps, long completedMillis)
{
    /** The marker's file name in the checkpoint directory. */
    public static final String FILE = "COMPLETE";

    /**
     * @return the marker of the job {@code identity} with {@code shards} workers, completed after {@code steps} steps
     * at {@code completedMillis}.
     */
    public static CompletionMarker of(
        final JobIdentity identity, final int shards, final long steps, final long completedMillis)
    {
        return new CompletionMarker(identity.fingerprint(), identity.architecture(), identity.configDigest(), shards,
            steps, completedMillis);
    }

    /**
     * Writes the marker atomically into {@code dir} (created if missing), replacing an older one.
     *
     * @return the marker's path.
     */
    public Path write(final Path dir)
    {
        final Path target = dir.resolve(FILE);
        final Path temp = dir.resolve(".tmp-" + FILE);
        final String text = "# Descent: this job completed; a parameter server resumed here exits at once.\n" +
            "fingerprint=" + Long.toHexString(fingerprint) + "\n" +
            "architecture=" + architecture + "\n" +
            "config-digest=" + Long.toHexString(configDigest) + "\n" +
            "workers=" + shards + "\n" +
            "steps=" + steps + "\n" +
            "completed=" + Instant.ofEpochMilli(completedMillis) + "\n";
        try
        {
            Files.createDirectories(dir);
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ))
            {
                directory.force(true);
            }
            return target;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the completion marker " + target, ex);
        }
    }

    /**
     * @param dir a checkpoint directory.
     * @return its completion marker, or empty when it has none.
     * @throws BadInputException when the marker cannot be read or is damaged.
     */
    public static Optional<CompletionMarker> read(final Path dir)
    {
        final Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
        {
            return Optional.empty();
        }
        final Properties values = new Properties();
        try
        {
            values.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.of(new CompletionMarker(Long.parseUnsignedLong(required(values, "fingerprint", file), 16),
                required(values, "architecture", file),
                Long.parseUnsignedLong(required(values, "config-digest", file), 16),
                Integer.parseInt(required(values, "workers", file)), Long.parseLong(required(values, "steps", file)),
                Instant.parse(required(values, "completed", file)).toEpochMilli()));
        }
        catch (final IOException | RuntimeException ex)
        {
            if (ex instanceof BadInputException bad)
            {
                throw bad;
            }
            throw new BadInputException("completion marker " + file + " is damaged (" + ex.getMessage() + "); " +
                "delete it to resume the job from its newest checkpoint", ex);
        }
    }

    /**
     * What a server resumed from {@code dir} finds of the job's end: this job's marker; or, when the job was stopped
     * after its final checkpoint but before its marker (the newest checkpoint is this job's, of step
     * {@code totalSteps}), the marker, written now; else nothing (training goes on).
     *
     * @param dir        the directory given to {@code --resume}.
     * @param identity   this job's identity.
     * @param workers    this job's number of workers.
     * @param totalSteps this job's step count.
     * @return the marker of this job's completion, or empty.
     * @throws BadInputException when the marker there is another job's, or it is damaged.
     */
    public static Optional<CompletionMarker> completed(
        final Path dir, final JobIdentity identity, final int workers, final long totalSteps)
    {
        final Optional<CompletionMarker> marker = read(dir);
        if (marker.isPresent())
        {
            final String other = marker.get().mismatch(identity, workers);
            if (null != other)
            {
                throw new BadInputException("--resume " + dir + ": " + other);
            }
            return marker;
        }
        // With parameter-server shards: shard 0's part of the newest checkpoint every shard completed.
        final Optional<Path> latest = CheckpointStore.latest(dir).or(() -> ShardCheckpoints.latestCompletePart(dir));
        if (latest.isEmpty())
        {
            return Optional.empty();
        }
        final Checkpoint last = CheckpointStore.read(latest.get());
        if (last.step() < totalSteps || last.fingerprint() != identity.fingerprint() ||
            last.configDigest() != identity.configDigest() || last.shards() != workers)
        {
            return Optional.empty();
        }
        final CompletionMarker late = of(identity, workers, last.step(), last.createdMillis());
        late.write(dir);
        return Optional.of(late);
    }

    /**
     * @param identity this job's identity.
     * @param workers  this job's number of workers.
     * @return null when the marker is this job's, else a one-line reason naming both sides.
     */
    public String mismatch(final JobIdentity identity, final int workers)
    {
        if (identity.fingerprint() != fingerprint)
        {
            return "the job that completed there has model " + architecture + ", this job's model is " +
                identity.architecture() + "; give this job another checkpoint directory";
        }
        if (identity.configDigest() != configDigest)
        {
            return "the job that completed there had another configuration; give this job another checkpoint " +
                "directory, or resume with the same job file, overrides and seed";
        }
        if (workers != shards)
        {
            return "the job that completed there had " + shards + " workers, this job has " + workers +
                "; give this job another checkpoint directory";
        }
        return null;
    }

    /** @return the one line telling that the job is already done. */
    public String describe(final Path dir)
    {
        return "job already completed: " + steps + " steps with " + shards + " workers, at " +
            Instant.ofEpochMilli(completedMillis) + " (" + dir.resolve(FILE) + "); nothing to resume";
    }

    private static String required(final Properties values, final String key, final Path file)
    {
        final String value = values.getProperty(key);
        if (null == value || value.isBlank())
        {
            throw new BadInputException("completion marker " + file + " is damaged: it lacks " + key + "; delete " +
                "it to resume the job from its newest checkpoint");
        }
        return value.trim();
    }
}
