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
import io.descent.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training against known answers: a convex problem with a closed-form solution and a non-convex one. */
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
