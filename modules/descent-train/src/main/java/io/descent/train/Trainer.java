package io.descent.train;

import io.descent.data.ExampleSource;
import io.descent.data.batch.BatchPlan;
import io.descent.data.batch.MinibatchFiller;
import io.descent.data.order.EpochOrder;
import io.descent.nn.Model;
import io.descent.nn.optim.Finite;
import io.descent.nn.optim.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Single-process minibatch SGD: {@link #runBatch} (fill, forward, backward, update), {@link #runEpoch} (a seeded
 * reshuffle of the training split, then every batch, the last one possibly smaller). The training rows come from any
 * {@link ExampleSource}: in memory or streamed from a memory-mapped shard set. Batch arrays are allocated once per
 * batch size. A step whose loss or gradient is not finite is not applied: it stops training with a
 * {@link TrainingDivergedException}, as do weights that an update left non-finite (checked at the end of each epoch,
 * before anyone evaluates them). Not thread-safe.
 */
public final class Trainer
{
    private final Model model;
    private final Optimizer optimizer;
    private final ExampleSource train;
    private final TrainSettings settings;
    private final long seed;
    private final int[] order;
    private final Map<Integer, INDArray[]> batchArrays = new HashMap<>();
    private long step;
    private double lastLearningRate;

    /**
     * @param model     the model, already initialised.
     * @param optimizer its optimizer.
     * @param train     the training split (read, never modified; must outlive the trainer).
     * @param settings  loss and batch size.
     * @param seed      the job seed (epoch orders derive from it).
     */
    public Trainer(
        final Model model,
        final Optimizer optimizer,
        final ExampleSource train,
        final TrainSettings settings,
        final long seed)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.train = train;
        this.settings = settings;
        this.seed = seed;
        this.order = new int[train.size()];
    }

    /** @return optimizer steps per epoch for a training split of {@code size} and batch size {@code batch}. */
    public static long stepsPerEpoch(final int size, final int batch)
    {
        return new BatchPlan(size, batch, false).numBatches();
    }

    /**
     * Runs one epoch.
     *
     * @param epoch   1-based epoch number (the shuffle depends on it).
     * @param onBatch called after each batch with the number of examples it had (for progress bars).
     * @return the epoch's statistics.
     * @throws TrainingDivergedException when a step's loss or gradient, or the weights at the end, are not finite.
     */
    public EpochResult runEpoch(final int epoch, final IntConsumer onBatch)
    {
        final long start = System.nanoTime();
        EpochOrder.permutation(train.size(), seed, epoch, order);
        final BatchPlan plan = new BatchPlan(train.size(), settings.batchSize(), false);
        double lossSum = 0.0;
        double lastLoss = Double.NaN;
        long examples = 0;
        for (int b = 0; b < plan.numBatches(); b++)
        {
            final int count = plan.size(b);
            lastLoss = runBatch(epoch, plan.from(b), count);
            lossSum += lastLoss * count;
            examples += count;
            onBatch.accept(count);
        }
        if (!Finite.all(model.parameters()))
        {
            throw new TrainingDivergedException(step - 1, epoch, lastLoss,
                TrainingDivergedException.Found.WEIGHTS, settings.optimizer().learningRate());
        }
        return new EpochResult(epoch, lossSum / examples, examples, plan.numBatches(),
            (System.nanoTime() - start) / 1e9);
    }

    /**
     * One step on rows {@code order[from, from + count)} of this epoch's order.
     *
     * @return the batch loss before the update.
     * @throws TrainingDivergedException when the loss or the gradient is not finite (the update is not applied).
     */
    private double runBatch(final int epoch, final int from, final int count)
    {
        // At most two sizes per run (full batches and the epoch's last one), each allocated once.
        final INDArray[] arrays = batchArrays.computeIfAbsent(count, c -> new INDArray[]{
            Nd4j.create(model.dataType(), c, train.numFeatures()), Nd4j.create(model.dataType(), c, train.numOutputs()) });
        final INDArray features = arrays[0];
        final INDArray targets = arrays[1];
        MinibatchFiller.fill(train, order, from, count, features, targets);
        final double loss = model.computeGradients(features, targets, settings.loss());
        // One BLAS pass over the gradient: NaN or infinity anywhere in it must not reach the weights.
        final TrainingDivergedException.Found found = !Double.isFinite(loss) ? TrainingDivergedException.Found.LOSS :
            Finite.all(model.gradients()) ? null : TrainingDivergedException.Found.GRADIENT;
        if (null != found)
        {
            throw new TrainingDivergedException(step, epoch, loss, found, settings.optimizer().learningRate());
        }
        lastLearningRate = optimizer.step(model.parameters(), model.gradients(), step);
        step++;
        return loss;
    }

    /** @return optimizer steps taken so far. */
    public long steps()
    {
        return step;
    }

    /** @return the learning rate of the last step. */
    public double learningRate()
    {
        return lastLearningRate;
    }
}
