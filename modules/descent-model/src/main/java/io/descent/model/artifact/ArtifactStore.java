package io.descent.model.artifact;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.descent.nn.Fingerprint;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes and reads model artifacts: a directory holding {@code model.json} (the index, {@link ArtifactManifest}),
 * {@code weights.f32} (raw little-endian float32) and {@code job.conf} (the job's HOCON). A write goes to a hidden
 * temporary directory beside the target, every file fsynced, is read back and checked, and only then renamed into
 * place (an existing artifact is moved aside first and deleted after): a crash or a failure leaves the old artifact
 * or the new one, never a half-written one, and a broken one never replaces a good one. A read checks every CRC32C,
 * the sizes, that the weights are finite, and that the architecture rebuilt from the job has the saved fingerprint.
 * Stateless; safe from any thread.
 */
public final class ArtifactStore
{
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);

    private ArtifactStore()
    {
    }

    /**
     * Checks, before any training, that an artifact can be written at {@code dir} (its parent is a writable directory,
     * and {@code dir} is absent, empty or an earlier artifact), so that a long run does not fail at its end.
     *
     * @param dir    the artifact directory.
     * @param option the option or key it came from, for the message.
     * @throws BadInputException when it cannot be written there.
     */
    public static void checkTarget(final Path dir, final String option)
    {
        final Path parent = dir.toAbsolutePath().getParent();
        if (null == parent || !Files.isDirectory(parent) || !Files.isWritable(parent))
        {
            throw new BadInputException(option + " " + dir + ": directory " + parent + " does not exist or is not " +
                "writable; create it or choose another path");
        }
        if (Files.exists(dir) && !(Files.isDirectory(dir) && (isEmpty(dir) ||
            Files.isRegularFile(dir.resolve(ArtifactManifest.FILE)))))
        {
            throw new BadInputException(option + " " + dir + " exists and is not a model artifact (no " +
                ArtifactManifest.FILE + "); give a new or empty directory, or an earlier artifact to replace");
        }
    }

    /**
     * Writes {@code artifact} to {@code dir} atomically, replacing an earlier artifact there.
     *
     * @param dir      the artifact directory (its parent must exist).
     * @param artifact the model.
     * @throws BadInputException     when {@code dir} cannot hold an artifact ({@link #checkTarget}).
     * @throws UncheckedIOException naming the directory when writing fails (nothing is left behind).
     */
    public static void write(final Path dir, final ModelArtifact artifact)
    {
        checkTarget(dir, "--save-model");
        final Path target = dir.toAbsolutePath();
        final Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try
        {
            deleteTree(temp);
            Files.createDirectory(temp);
            final ByteBuffer weights = ArtifactFiles.floats(artifact.weights());
            final byte[] job = artifact.job().root().render(ConfigRenderOptions.defaults().setOriginComments(false))
                .getBytes(StandardCharsets.UTF_8);
            ArtifactFiles.write(temp.resolve(ArtifactManifest.WEIGHTS_FILE), weights);
            ArtifactFiles.write(temp.resolve(ArtifactManifest.JOB_FILE), ByteBuffer.wrap(job));
            ArtifactFiles.write(temp.resolve(ArtifactManifest.FILE), ByteBuffer.wrap(ArtifactManifest.bytes(
                ArtifactManifest.encode(artifact, ArtifactFiles.crc32c(weights),
                    ArtifactFiles.crc32c(ByteBuffer.wrap(job))))));
            ArtifactFiles.fsync(temp);
            read(temp);
            replace(target, temp);
            LOG.info("model written to {} ({}, {} parameters, step {})", target,
                artifact.fingerprint().architecture(), artifact.fingerprint().parameters(), artifact.steps());
        }
        catch (final IOException ex)
        {
            deleteQuietly(temp);
            throw new UncheckedIOException("writing the model artifact " + target, ex);
        }
        catch (final RuntimeException ex)
        {
            deleteQuietly(temp);
            throw ex;
        }
    }

    /**
     * @param dir an artifact directory.
     * @return the model it holds, checked.
     * @throws BadInputException when it is missing, damaged or inconsistent (one line naming the file).
     */
    public static ModelArtifact read(final Path dir)
    {
        final Path index = dir.resolve(ArtifactManifest.FILE);
        if (!Files.isRegularFile(index))
        {
            throw new BadInputException("--model " + dir + " is not a model artifact (no " + ArtifactManifest.FILE +
                "); give a directory written by --save-model or 'descent model from-checkpoint'");
        }
        final ArtifactManifest.Contents manifest;
        try
        {
            manifest = ArtifactManifest.decode(Files.readAllBytes(index), index);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("model artifact: " + index + " cannot be read: " + ex, ex);
        }
        final Path jobFile = dir.resolve(ArtifactManifest.JOB_FILE);
        final String jobText = new String(ArtifactFiles.readChecked(jobFile, manifest.jobCrc(), "job file"),
            StandardCharsets.UTF_8);
        final Config job;
        try
        {
            job = ConfigFactory.parseString(jobText);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("model artifact: " + jobFile + " is not valid HOCON: " + ex.getMessage(), ex);
        }
        final Path weightsFile = dir.resolve(ArtifactManifest.WEIGHTS_FILE);
        final float[] weights = ArtifactFiles.toFloats(
            ArtifactFiles.readChecked(weightsFile, manifest.weightsCrc(), "weights file"));
        if (weights.length != manifest.parameters())
        {
            throw new BadInputException("model artifact: " + weightsFile + " holds " + weights.length +
                " floats, model.json says " + manifest.parameters() + "; save the model again");
        }
        for (final float weight : weights)
        {
            if (!Float.isFinite(weight))
            {
                throw new BadInputException("model artifact: " + weightsFile + " holds NaN or infinite weights; " +
                    "save a model from a run that did not diverge");
            }
        }
        final ModelSpec spec = ModelArtifact.specOf(job, manifest.inputs(), manifest.outputs(), manifest.loss());
        final Fingerprint fingerprint = Model.create(spec, 0L).fingerprint();
        if (!fingerprint.hex().equals(manifest.fingerprint()))
        {
            throw new BadInputException("model artifact: " + index + " names model " + manifest.architecture() +
                " (" + manifest.fingerprint() + ") but its job file describes " + fingerprint.architecture() + " (" +
                fingerprint.hex() + "); save the model again");
        }
        return new ModelArtifact(spec, manifest.loss(), fingerprint, weights, manifest.scaling(), manifest.task(),
            manifest.classNames(), manifest.featureNames(), job, manifest.steps());
    }

    /** Renames {@code temp} to {@code target}, moving an earlier artifact aside first and deleting it after. */
    private static void replace(final Path target, final Path temp) throws IOException
    {
        final Path parent = target.getParent();
        Path old = null;
        if (Files.exists(target))
        {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try
        {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            if (null != old)
            {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw ex;
        }
        ArtifactFiles.fsync(parent);
        if (null != old)
        {
            deleteTree(old);
        }
    }

    private static boolean isEmpty(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void deleteQuietly(final Path dir)
    {
        try
        {
            deleteTree(dir);
        }
        catch (final IOException ex)
        {
            LOG.warn("could not delete the temporary directory {}: {}", dir, ex.toString());
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
