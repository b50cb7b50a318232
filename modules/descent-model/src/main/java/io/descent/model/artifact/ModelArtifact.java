package io.descent.model.artifact;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.data.ExampleSource;
import io.descent.data.Task;
import io.descent.data.scale.InputScaling;
import io.descent.nn.Fingerprint;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.config.ModelSpecReader;
import io.descent.nn.error.BadInputException;
import io.descent.nn.loss.Loss;
import io.descent.train.JobConfig;

import java.nio.ByteOrder;
import java.util.List;

/**
 * A trained model with everything needed to use it on new raw rows: the architecture, the weights, the scaling fitted
 * on the training split, what the outputs mean (task, class names) and the job that trained it. Immutable by contract
 * (the weights array is shared, not copied: do not modify it); {@link ArtifactStore} writes and reads it.
 *
 * @param spec         the architecture.
 * @param loss         the training loss (decides the output activation and the evaluation loss).
 * @param fingerprint  the model's fingerprint; equal to that of a model built from {@code spec}.
 * @param weights      the flat float32 parameter vector, {@code fingerprint.parameters()} long.
 * @param scaling      what to do to a raw row before the model sees it.
 * @param task         classification or regression.
 * @param classNames   one per output for classification, else empty.
 * @param featureNames one per input feature, or empty when the source had none (Fashion-MNIST, synthetic).
 * @param job          the job's merged configuration (sections job, data, model, train).
 * @param steps        optimizer steps the weights are the result of.
 */
public record ModelArtifact(
    ModelSpec spec,
    Loss loss,
    Fingerprint fingerprint,
    float[] weights,
    InputScaling scaling,
    Task task,
    List<String> classNames,
    List<String> featureNames,
    Config job,
    long steps)
{
    /**
     * Checks the shapes agree.
     */
    public ModelArtifact
    {
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        if (weights.length != fingerprint.parameters())
        {
            throw new IllegalArgumentException(weights.length + " weights for a model of " + fingerprint.parameters());
        }
        if (!scaling.stages().isEmpty() && scaling.stages().get(0).width() != spec.inputs())
        {
            throw new IllegalArgumentException("scaling of width " + scaling.stages().get(0).width() +
                " for a model of " + spec.inputs() + " inputs");
        }
    }

    /**
     * The artifact of a model trained by {@code job}.
     *
     * @param job     the job.
     * @param spec    its architecture.
     * @param weights the trained weights (taken over, not copied).
     * @param train   the training split (task, class and feature names).
     * @param scaling what was done to its raw rows.
     * @param steps   optimizer steps taken.
     * @return the artifact.
     */
    public static ModelArtifact of(
        final JobConfig job,
        final ModelSpec spec,
        final float[] weights,
        final ExampleSource train,
        final InputScaling scaling,
        final long steps)
    {
        return new ModelArtifact(spec, job.train().loss(), Model.create(spec, job.seed()).fingerprint(), weights,
            scaling, train.task(), train.classNames(), train.featureNames(), sections(job.raw()), steps);
    }

    /**
     * @param raw a merged job configuration (it may hold other modules' defaults too).
     * @return only its sections job, data, model and train: what {@link JobConfig#from} reads back.
     */
    public static Config sections(final Config raw)
    {
        Config job = ConfigFactory.empty();
        for (final String section : JobConfig.SECTIONS)
        {
            if (raw.hasPath(section))
            {
                job = job.withValue(section, raw.getValue(section));
            }
        }
        return job;
    }

    /**
     * Rebuilds the architecture a saved job describes.
     *
     * @param job     the saved job configuration.
     * @param inputs  the model's input width.
     * @param outputs its output width.
     * @param loss    its loss.
     * @return the architecture.
     * @throws BadInputException when the saved model section does not describe a valid model.
     */
    static ModelSpec specOf(final Config job, final int inputs, final int outputs, final Loss loss)
    {
        final List<Integer> shape = job.hasPath("data.shape") ? job.getIntList("data.shape") : List.of();
        return ModelSpecReader.read(job.getConfig("model"), "model",
            ModelSpecReader.inputShape(shape, inputs, "data.shape"), outputs, loss);
    }

    /**
     * @return a new float32 model holding these weights (its dropout seeded from the job), for one thread.
     */
    public Model toModel()
    {
        final Model model = Model.create(spec, job.hasPath("job.seed") ? job.getLong("job.seed") : 0L);
        model.parameters().data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(weights);
        return model;
    }

    /** @return input width. */
    public int inputs()
    {
        return spec.inputs();
    }

    /** @return output width: classes, or regression targets. */
    public int outputs()
    {
        return spec.outputs();
    }
}
