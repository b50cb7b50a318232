package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.plan.StepPlan;
import io.descent.data.batch.MinibatchFiller;
import io.descent.nn.Model;
import io.descent.nn.optim.Optimizer;
import io.descent.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Synchronous averaged SGD is plain SGD on the union batch: N workers × batch b give the weights of one process
 * stepping on the N·b rows of the same step (within float rounding), and a run is bitwise reproducible.
 */
class EquivalenceTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();


    /**
     * A small CNN on 8×8 single-channel rows (the teacher's 64 features): conv 3×3×4 → max-pool 2 → flatten → dense,
     * so the image layers' batch split (im2col rows, pooling windows) is covered too. Its learning rate is lower
     * than the MLP's: with ReLU and max-pool kinks, momentum 0.9 at 0.1 amplifies the float rounding of the split
     * sums to 2e-3 in one epoch (measured), while at 0.02 two epochs stay at ~1e-7, within the MLP's tolerance.
     */
    static final String CNN = "data { shape = [1, 8, 8], synthetic { features = 64 } }\n" +
        "model { layers = [ { type = conv2d, filters = 4, kernel = 3, padding = same, activation = relu }, " +
        "{ type = max-pool2d, size = 2 }, { type = flatten }, { type = dense } ] }\ntrain.learning-rate = 0.02\n";

    @ParameterizedTest
    @CsvSource({ "2, false", "3, false", "2, true" })
    void shouldEqualOneWorkerOnTheUnionBatch(final int workers, final boolean cnn) throws Exception
    {
        final TestJob job = TestJob.of((cnn ? CNN : "") + "train { batch-size = 25, epochs = 2 }");
        final JobResult result = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("node"), job,
            TestJob.settings(workers, ""));
        final StepPlan plan = new StepPlan(job.data.train().size(), workers, 25, 2, job.job.seed());
        assertEquals(plan.totalSteps(), result.steps());
        assertTrue(result.steps() > 20, "several steps: " + result.steps());
        final float[] reference = unionBatchTraining(job, plan);
        double diff = 0.0;
        double norm = 0.0;
        for (int i = 0; i < reference.length; i++)
        {
            diff += Math.pow(result.finalWeights()[i] - reference[i], 2);
            norm += Math.pow(reference[i], 2);
        }
        final double relative = Math.sqrt(diff / norm);
        assertTrue(relative <= 1e-5, "relative error " + relative);
    }

    @Test
    void shouldGiveBitwiseIdenticalWeightsForTheSameSeedAndWorkers() throws Exception
    {
        final TestJob job = TestJob.of("model { layers = [ { type = dense, units = 16 }, { type = dropout, " +
            "rate = 0.2 }, { type = dense } ] }\ntrain { batch-size = 40, epochs = 2 }");
        final float[] first = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("a"), job,
            TestJob.settings(2, "")).finalWeights();
        final float[] second = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("b"), job,
            TestJob.settings(2, "")).finalWeights();
        assertArrayEquals(first, second);
    }

    @Test
    void shouldEqualTheSingleProcessTrainerWithOneWorker() throws Exception
    {
        final TestJob job = TestJob.of("train { batch-size = 64, epochs = 2 }");
        final JobResult result = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("one"), job,
            TestJob.settings(1, ""));
        final Model model = Model.create(job.spec, job.job.seed());
        final Optimizer optimizer = job.job.train().optimizer().create(model.parameters(),
            Trainer.stepsPerEpoch(job.data.train().size(), 64), 2);
        final Trainer trainer = new Trainer(model, optimizer, job.data.train(), job.job.train(), job.job.seed());
        trainer.runEpoch(1, count -> { });
        trainer.runEpoch(2, count -> { });
        assertEquals(trainer.steps(), result.steps());
        assertArrayEquals(model.parameters().toFloatVector(), result.finalWeights(),
            "one worker is the single-process trainer, bit for bit");
    }

    /** One model, one optimizer: each step's batch is the concatenation of every shard's batch, in rank order. */
    private static float[] unionBatchTraining(final TestJob job, final StepPlan plan)
    {
        final Model model = Model.create(job.spec, job.job.seed());
        final Optimizer optimizer = job.job.train().optimizer().create(model.parameters(), plan.stepsPerEpoch(),
            plan.epochs());
        for (long step = 0; step < plan.totalSteps(); step++)
        {
            final int epoch = plan.epochOf(step);
            final int batch = plan.batchOf(step);
            final int rows = plan.batchRows(batch);
            final int[] union = new int[rows * plan.shards()];
            for (int shard = 0; shard < plan.shards(); shard++)
            {
                System.arraycopy(plan.shard(shard).indices(epoch), plan.batchStart(batch), union, shard * rows, rows);
            }
            final INDArray features = Nd4j.create(model.dataType(), union.length, job.data.train().numFeatures());
            final INDArray targets = Nd4j.create(model.dataType(), union.length, job.data.train().numOutputs());
            MinibatchFiller.fill(job.data.train(), union, 0, union.length, features, targets);
            model.computeGradients(features, targets, job.job.train().loss());
            optimizer.step(model.parameters(), model.gradients(), step);
        }
        return model.parameters().toFloatVector();
    }
}
