package io.descent.cluster.checkpoint;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a job with {@code S > 1} parameter-server shards, in one directory every shard can read: shard I
 * writes its range of the weights and its optimizer state with {@link CheckpointStore} into its own part,
 * {@code shard-I-of-S/}, which also holds {@value #LAYOUT} (the shard, the shard count and its range of the
 * parameter vector). The checkpoint of step v is complete when every shard's part holds a complete {@code step-v}; the
 * coordinator resumes from the newest complete one ({@link #latestComplete}) and tells the other shards that step.
 *
 * <p>Retention. The shards checkpoint the same steps (every {@code every-steps} and the job's last; time-based and
 * stop-time checkpoints are not taken with shards), and none can apply step v before every shard published its range
 * of version v, which it does after writing its part of v: so a shard's newest part is at most one checkpoint ahead of
 * the newest complete one. A part therefore keeps {@code keep + 1} (see {@link #keepInPart}), which always holds the
 * newest {@code keep} complete checkpoints; a resume deletes its part's steps after the one it loads (they were not
 * complete). Under {@code ssp} a shard can close up to {@code s + 2} steps ahead of another (while a lost worker's
 * drop is not yet acknowledged): a part then keeps as many more as that many steps can hold
 * ({@link #keepInPart(int, int, int)}). Under {@code async} that lead has no bound; the shard that can take it is the
 * coordinator, and only in that moment, so the coordinator deletes none of its part's checkpoints until every shard
 * acknowledged the drop (the server's checkpoint policy, {@code holdOlder}). Stateless; its methods touch only the
 * directories given.
 */
public final class ShardCheckpoints
{
    /** A part's layout file. */
    public static final String LAYOUT = "layout.properties";
    private static final Pattern PART = Pattern.compile("shard-(\\d+)-of-(\\d+)");

    private ShardCheckpoints()
    {
    }

    /** @return the directory of shard {@code shard} of {@code shards} under the checkpoint directory {@code dir}. */
    public static Path part(final Path dir, final int shard, final int shards)
    {
        return dir.resolve("shard-" + shard + "-of-" + shards);
    }

    /** @return the checkpoints a part keeps so that the newest {@code keep} complete ones are always among them. */
    public static int keepInPart(final int keep)
    {
        return keepInPart(keep, 1, 1);
    }

    /**
     * @param keep       complete checkpoints to keep.
     * @param leadSteps  how many steps a shard can close ahead of the slowest shard: 1 under sync and backup,
     *                   {@code s + 2} under ssp.
     * @param everySteps steps between checkpoints, ≥ 1.
     * @return the checkpoints a part keeps so that the newest {@code keep} complete ones are always among them: as
     * many more as a lead of {@code leadSteps} steps can write ahead of the newest complete one.
     */
    public static int keepInPart(final int keep, final int leadSteps, final int everySteps)
    {
        return keep + Math.max(1, (leadSteps + everySteps - 1) / everySteps);
    }

    /**
     * Writes a part's layout (atomically; before its first checkpoint), or checks the one there.
     *
     * @param part   the part's directory.
     * @param shard  the shard.
     * @param bounds the job's range boundaries ({@code S + 1} float offsets).
     * @throws BadInputException when the part there holds another range (another model or shard count).
     */
    public static void writeLayout(final Path part, final int shard, final long[] bounds)
    {
        final Path file = part.resolve(LAYOUT);
        if (Files.isRegularFile(file))
        {
            checkLayout(part, shard, bounds);
            return;
        }
        final String text = "# Descent: this directory holds parameter-server shard " + shard + "'s part of each " +
            "checkpoint\nshard=" + shard + "\nshards=" + (bounds.length - 1) + "\noffset=" + bounds[shard] +
            "\nlength=" + (bounds[shard + 1] - bounds[shard]) + "\nfloats=" + bounds[bounds.length - 1] + "\n";
        try
        {
            Files.createDirectories(part);
            final Path temp = part.resolve(".tmp-" + LAYOUT);
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the checkpoint layout " + file, ex);
        }
    }

    /**
     * The newest step whose checkpoint every shard completed, after checking that the directory holds checkpoints of
     * this many shards with these ranges.
     *
     * @param dir    the directory given to {@code --resume}.
     * @param bounds this job's range boundaries ({@code S + 1} float offsets).
     * @return the step.
     * @throws BadInputException when the directory holds checkpoints of another shard count, of other ranges, or
     *                           none that every shard completed.
     */
    public static long latestComplete(final Path dir, final long[] bounds)
    {
        final int shards = bounds.length - 1;
        checkShardCount(dir, shards);
        long[] common = null;
        for (int shard = 0; shard < shards; shard++)
        {
            final Path part = part(dir, shard, shards);
            if (!Files.isRegularFile(part.resolve(LAYOUT)))
            {
                throw new BadInputException("--resume " + dir + ": shard " + shard + "'s part " + part + " is " +
                    "missing (every server shard writes its part into the same checkpoint directory; give each " +
                    "shard that directory)");
            }
            checkLayout(part, shard, bounds);
            final long[] steps = CheckpointStore.steps(part);
            common = null == common ? steps : Arrays.stream(common).filter(s -> Arrays.binarySearch(steps, s) >= 0)
                .toArray();
        }
        if (null == common || common.length == 0)
        {
            throw new BadInputException("--resume " + dir + ": no checkpoint that all " + shards + " server shards " +
                "completed (each shard's part is in " + part(dir, 0, shards).getFileName() + " …); start the job " +
                "without --resume");
        }
        return common[common.length - 1];
    }

    /**
     * Checks that {@code dir} holds checkpoints written by {@code shards} parameter servers: with one server,
     * {@code step-<n>} directories and no parts; with several, parts of that count.
     *
     * @throws BadInputException naming the shard count that wrote them.
     */
    public static void checkShardCount(final Path dir, final int shards)
    {
        final int written = partsShardCount(dir);
        if (shards == 1 && written > 1 && CheckpointStore.latest(dir).isEmpty())
        {
            throw new BadInputException("--resume " + dir + ": its checkpoints were written by " + written +
                " parameter-server shards; resume with descent.cluster.servers = " + written + " (--servers " +
                written + ")");
        }
        if (shards > 1 && written != shards)
        {
            final String by = written > 1 ? written + " parameter-server shards" :
                CheckpointStore.latest(dir).isPresent() ? "one parameter server" : null;
            if (null != by)
            {
                throw new BadInputException("--resume " + dir + ": its checkpoints were written by " + by +
                    ", this job has " + shards + "; resume with descent.cluster.servers = " +
                    Math.max(written, 1) + " (--servers " + Math.max(written, 1) + ")");
            }
        }
    }

    /**
     * @return shard 0's part of the newest checkpoint that every part under {@code dir} completed (of the shard count
     * found there), or empty when there are no parts or no such checkpoint. For the completion check, before the job's
     * ranges are known.
     */
    public static Optional<Path> latestCompletePart(final Path dir)
    {
        final int shards = partsShardCount(dir);
        if (shards < 2)
        {
            return Optional.empty();
        }
        long[] common = CheckpointStore.steps(part(dir, 0, shards));
        for (int shard = 1; shard < shards; shard++)
        {
            final long[] steps = CheckpointStore.steps(part(dir, shard, shards));
            common = Arrays.stream(common).filter(s -> Arrays.binarySearch(steps, s) >= 0).toArray();
        }
        return common.length == 0 ? Optional.empty() :
            Optional.of(CheckpointStore.stepDir(part(dir, 0, shards), common[common.length - 1]));
    }

    /** @return the shard count of the parts under {@code dir}, 0 when there are none (the largest count seen). */
    private static int partsShardCount(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            final List<Integer> counts = entries.map(p -> PART.matcher(p.getFileName().toString()))
                .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(2))).toList();
            return counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listing checkpoint parts in " + dir, ex);
        }
    }

    private static void checkLayout(final Path part, final int shard, final long[] bounds)
    {
        final Path file = part.resolve(LAYOUT);
        final Properties values = new Properties();
        try
        {
            values.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        }
        catch (final IOException ex)
        {
            throw new BadInputException("checkpoint layout " + file + " cannot be read: " + ex, ex);
        }
        final String expected = (bounds.length - 1) + " " + bounds[shard] + " " + (bounds[shard + 1] - bounds[shard]) +
            " " + bounds[bounds.length - 1];
        final String found = values.getProperty("shards", "?").trim() + " " + values.getProperty("offset", "?").trim() +
            " " + values.getProperty("length", "?").trim() + " " + values.getProperty("floats", "?").trim();
        if (!expected.equals(found))
        {
            throw new BadInputException("--resume " + part + ": shard " + shard + "'s checkpoints hold floats [" +
                values.getProperty("offset", "?").trim() + ", +" + values.getProperty("length", "?").trim() + ") of " +
                values.getProperty("floats", "?").trim() + ", this job's shard " + shard + " holds [" +
                bounds[shard] + ", +" + (bounds[shard + 1] - bounds[shard]) + ") of " + bounds[bounds.length - 1] +
                " (another model, shard count or descent.cluster.shard-min-bytes); resume with the job that wrote them");
        }
    }
}
