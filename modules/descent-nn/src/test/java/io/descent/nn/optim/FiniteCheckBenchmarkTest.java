package io.descent.nn.optim;

import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.loss.Loss;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prints what the per-step divergence check ({@link Finite#all} on the gradient) costs next to what a step already
 * does with that vector: the optimizer's update (SGD with momentum) and a training step of the model at batch 256
 * (forward, backward, update), measured alternating in the same run, best of 5 rounds each. Asserts only behaviour;
 * run with {@code -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class FiniteCheckBenchmarkTest
{
    private static final int BATCH = 256;
    private static final int ROUNDS = 5;

    @ParameterizedTest
    @ValueSource(strings = { "784-512-256-10", "784-2048-2048-10" })
    void shouldCostLittleNextToTheUpdateAndTheStep(final String widths)
    {
        final ModelSpec spec = ModelSpec.parseMlp(widths);
        final Model model = Model.create(spec, 1);
        final INDArray features = Nd4j.rand(DataType.FLOAT, BATCH, spec.inputs());
        final INDArray targets = Nd4j.zeros(DataType.FLOAT, BATCH, spec.outputs());
        for (int i = 0; i < BATCH; i++)
        {
            targets.putScalar(i, i % spec.outputs(), 1.0);
        }
        final Optimizer sgd = new Sgd(new OptimizerSettings("sgd", 1e-4, 0.9, false, 0.0, 0.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 1, 1, 0, 0)), LearningRateSchedule.constant(1e-4), model.parameters());
        model.computeGradients(features, targets, Loss.CROSS_ENTROPY);
        final int repeats = Math.max(20, (int)(50_000_000L / model.parameterCount()));
        double check = Double.MAX_VALUE;
        double update = Double.MAX_VALUE;
        double step = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++)
        {
            check = Math.min(check, microsPerCheck(model.gradients(), repeats));
            update = Math.min(update, microsPerUpdate(sgd, model, repeats));
            step = Math.min(step, microsPerStep(sgd, model, features, targets, 20));
        }
        System.out.printf("finite check of %s (%d floats): %.1f us; SGD-momentum update %.1f us (check %.2fx of it); " +
            "training step at batch %d %.0f us (check %.2f %% of it)%n", widths, model.parameterCount(), check,
            update, check / update, BATCH, step, 100 * check / step);
        model.gradients().putScalar(model.parameterCount() - 1, Float.NaN);
        assertFalse(Finite.all(model.gradients()));
    }

    private static double microsPerCheck(final INDArray gradient, final int repeats)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < repeats; i++)
        {
            assertTrue(Finite.all(gradient));
        }
        return (System.nanoTime() - start) / 1e3 / repeats;
    }

    private static double microsPerUpdate(final Optimizer sgd, final Model model, final int repeats)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < repeats; i++)
        {
            sgd.step(model.parameters(), model.gradients(), i);
        }
        return (System.nanoTime() - start) / 1e3 / repeats;
    }

    private static double microsPerStep(
        final Optimizer sgd, final Model model, final INDArray features, final INDArray targets, final int steps)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < steps; i++)
        {
            model.computeGradients(features, targets, Loss.CROSS_ENTROPY);
            sgd.step(model.parameters(), model.gradients(), i);
        }
        return (System.nanoTime() - start) / 1e3 / steps;
    }
}
