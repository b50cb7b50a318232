package io.descent.train;

import com.typesafe.config.ConfigFactory;
import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.shard.ShardSet;
import io.descent.data.shard.ShardSource;
import io.descent.data.shard.Sharder;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.optim.Finite;
import io.descent.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training against known answers: a convex problem with a closed-form solution and a non-convex one; and a step that
 * turns non-finite stops training without being applied.
 */
class TrainerTest
{
    @Test
    void shouldRecoverTheCoefficientsOfALinearRegression()
    {
        final double[] coefficients = { 1.5, -2.0, 0.5, 3.0 };
        final double bias = 0.7;
        final Dataset data = Synthetic.linearRegression(4000, coefficients, bias, 0.01, 11);
        final ModelSpec spec = new ModelSpec(4, List.of(
            new LayerSpec.Dense(1, Activation.IDENTITY, WeightInit.ZEROS, WeightInit.ZEROS)));
        final Model model = train(spec, data, "loss = mse, learning-rate = 0.05, momentum = 0.0, batch-size = 32, " +
            "epochs = 15", 3);
        final double[] learned = model.parameters().toDoubleVector();
        for (int i = 0; i < coefficients.length; i++)
        {
            assertEquals(coefficients[i], learned[i], 0.01, "coefficient " + i);
        }
        assertEquals(bias, learned[4], 0.01, "intercept");
    }

    @Test
    void shouldLearnXorWhichNoLinearModelCanFit()
    {
        final Dataset data = Synthetic.xor(2000, 0.1, 5);
        final WeightInit xavier = WeightInit.parse("xavier-normal", "k");
        final String knobs = "loss = cross-entropy, learning-rate = 0.1, momentum = 0.9, batch-size = 32, epochs = 40";
        final Model hidden = train(new ModelSpec(2, List.of(
            new LayerSpec.Dense(8, Activation.TANH, xavier, WeightInit.ZEROS),
            new LayerSpec.Dense(2, Activation.SOFTMAX, xavier, WeightInit.ZEROS))), data, knobs, 1);
        final Model linear = train(new ModelSpec(2, List.of(
            new LayerSpec.Dense(2, Activation.SOFTMAX, xavier, WeightInit.ZEROS))), data, knobs, 1);
        final double hiddenAccuracy = new Evaluator(hidden, io.descent.nn.loss.Loss.CROSS_ENTROPY, 500)
            .evaluate(data).accuracy();
        final double linearAccuracy = new Evaluator(linear, io.descent.nn.loss.Loss.CROSS_ENTROPY, 500)
            .evaluate(data).accuracy();
        assertTrue(hiddenAccuracy > 0.97, "MLP accuracy " + hiddenAccuracy);
        assertTrue(linearAccuracy < 0.8, "a linear model cannot fit XOR, got " + linearAccuracy);
    }

    @Test
    void shouldBeBitwiseDeterministicForASeed()
    {
        final Dataset data = Synthetic.teacher(1000, 10, 8, 3, 4);
        final ModelSpec spec = new ModelSpec(10, List.of(
            new LayerSpec.Dense(16, Activation.RELU, WeightInit.parse("he-normal", "k"), WeightInit.ZEROS),
            new LayerSpec.Dropout(0.3),
            new LayerSpec.Dense(3, Activation.SOFTMAX, WeightInit.parse("he-normal", "k"), WeightInit.ZEROS)));
        final String knobs = "loss = cross-entropy, learning-rate = 0.05, batch-size = 30, epochs = 3";
        final float[] first = train(spec, data, knobs, 9).parameters().toFloatVector();
        final float[] second = train(spec, data, knobs, 9).parameters().toFloatVector();
        final float[] otherSeed = train(spec, data, knobs, 10).parameters().toFloatVector();
        assertArrayEquals(first, second);
        assertTrue(!java.util.Arrays.equals(first, otherSeed), "another seed gives other weights");
    }

    @Test
    void shouldTrainFromAMemoryMappedShardSetExactlyAsFromTheSameRowsInMemory(@TempDir final Path dir)
    {
        final Dataset data = Synthetic.teacher(1500, 12, 8, 3, 6);
        Sharder.write(data, dir.resolve("set"), 3, Scaler.fit(ScalingKind.NONE, data), "test");
        final ShardSource shards = ShardSource.of(ShardSet.open(dir.resolve("set"), true));
        final ModelSpec spec = new ModelSpec(12, List.of(
            new LayerSpec.Dense(16, Activation.TANH, WeightInit.parse("xavier-normal", "k"), WeightInit.ZEROS),
            new LayerSpec.Dense(3, Activation.SOFTMAX, WeightInit.parse("xavier-normal", "k"), WeightInit.ZEROS)));
        final String knobs = "loss = cross-entropy, learning-rate = 0.05, batch-size = 64, epochs = 2";
        final Model inMemory = train(spec, data, knobs, 5);
        final Model streamed = train(spec, shards, knobs, 5);
        assertArrayEquals(inMemory.parameters().toFloatVector(), streamed.parameters().toFloatVector());
        final Evaluator evaluator = new Evaluator(streamed, io.descent.nn.loss.Loss.CROSS_ENTROPY, 500);
        assertEquals(evaluator.evaluate(data), evaluator.evaluate(shards));
    }

    @Test
    void shouldStopOnANonFiniteLossWithoutApplyingThatStep()
    {
        final Dataset clean = Synthetic.linearRegression(640, new double[]{ 1.0, -1.0 }, 0.5, 0.01, 4);
        final float[] features = clean.features().clone();
        features[2 * 300] = Float.NaN;
        final Dataset data = Dataset.regression(features, 2, clean.targets(), 1, List.of());
        final ModelSpec spec = new ModelSpec(2, List.of(
            new LayerSpec.Dense(1, Activation.IDENTITY, WeightInit.ZEROS, WeightInit.ZEROS)));
        final TrainSettings settings = settings("loss = mse, learning-rate = 0.05, momentum = 0.0, batch-size = 32, " +
            "epochs = 1");
        final Model model = Model.create(spec, 1);
        final Trainer trainer = new Trainer(model, settings.optimizer().create(model.parameters(), 20, 1), data,
            settings, 1);
        final TrainingDivergedException diverged = assertThrows(TrainingDivergedException.class,
            () -> trainer.runEpoch(1, count -> { }));
        final Matcher line = Pattern.compile("training diverged at step (\\d+), epoch 1: loss NaN; " +
            "lower train.learning-rate \\(now 0.05\\)").matcher(diverged.getMessage());
        assertTrue(line.matches(), diverged.getMessage());
        assertEquals(trainer.steps(), Long.parseLong(line.group(1)), "the diverged step was not counted as taken");
        assertTrue(Finite.all(model.parameters()), "a NaN gradient was never applied to the weights");
    }

    @Test
    void shouldStopOnANonFiniteGradientWhoseLossIsFiniteWithoutApplyingIt()
    {
        // With zero weights the huge feature does not reach the loss, but d loss / d w = 2/n Σ (y - t) x overflows.
        final float[] features = new float[64 * 2];
        final float[] targets = new float[64];
        features[0] = 3e38f;
        targets[0] = 1e4f;
        final Dataset data = Dataset.regression(features, 2, targets, 1, List.of());
        final ModelSpec spec = new ModelSpec(2, List.of(
            new LayerSpec.Dense(1, Activation.IDENTITY, WeightInit.ZEROS, WeightInit.ZEROS)));
        final TrainSettings settings = settings("loss = mse, learning-rate = 0.01, momentum = 0.0, batch-size = 64, " +
            "epochs = 1");
        final Model model = Model.create(spec, 1);
        final Trainer trainer = new Trainer(model, settings.optimizer().create(model.parameters(), 1, 1), data,
            settings, 1);
        final TrainingDivergedException diverged = assertThrows(TrainingDivergedException.class,
            () -> trainer.runEpoch(1, count -> { }));
        assertEquals("training diverged at step 0, epoch 1: loss 1562500, gradient not finite; lower " +
            "train.learning-rate (now 0.01)", diverged.getMessage());
        assertEquals(0, trainer.steps());
        assertArrayEquals(new float[3], model.parameters().toFloatVector(), "nothing was applied");
    }

    @Test
    void shouldStopWhenALearningRateFarTooLargeBlowsTheWeightsUp()
    {
        final Dataset data = Synthetic.linearRegression(640, new double[]{ 1.0, -1.0 }, 0.5, 0.01, 4);
        final ModelSpec spec = new ModelSpec(2, List.of(
            new LayerSpec.Dense(1, Activation.IDENTITY, WeightInit.ZEROS, WeightInit.ZEROS)));
        final TrainSettings settings = settings("loss = mse, learning-rate = 1e6, momentum = 0.0, batch-size = 32, " +
            "epochs = 3");
        final Model model = Model.create(spec, 1);
        final Trainer trainer = new Trainer(model, settings.optimizer().create(model.parameters(), 20, 3), data,
            settings, 1);
        final TrainingDivergedException diverged = assertThrows(TrainingDivergedException.class, () ->
        {
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                trainer.runEpoch(epoch, count -> { });
            }
        });
        assertTrue(diverged.getMessage().matches("training diverged at step \\d+, epoch \\d: loss \\S+; lower " +
            "train.learning-rate \\(now 1000000\\)"), diverged.getMessage());
    }

    private static TrainSettings settings(final String knobs)
    {
        return TrainSettings.from(
            ConfigFactory.parseString(knobs).withFallback(ConfigFactory.defaultReference().getConfig("descent.train")),
            "train");
    }

    private static Model train(final ModelSpec spec, final ExampleSource data, final String knobs, final long seed)
    {
        final TrainSettings settings = TrainSettings.from(
            ConfigFactory.parseString(knobs).withFallback(ConfigFactory.defaultReference().getConfig("descent.train")),
            "train");
        final Model model = Model.create(spec, seed);
        final Optimizer optimizer = settings.optimizer().create(
            model.parameters(), Trainer.stepsPerEpoch(data.size(), settings.batchSize()), settings.epochs());
        final Trainer trainer = new Trainer(model, optimizer, data, settings, seed);
        for (int epoch = 1; epoch <= settings.epochs(); epoch++)
        {
            trainer.runEpoch(epoch, count -> { });
        }
        return model;
    }
}
