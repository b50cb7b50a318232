package io.descent.cluster.worker;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;
import io.descent.data.ExampleSource;
import io.descent.data.order.SplitMix64;
import io.descent.nn.Model;
import io.descent.nn.loss.Loss;

/**
 * The arithmetic of a worker's step without the network: the batch its order names ({@link WorkerBatches}, read
 * ahead while the server folds), the training noise seeded by the step and its first shard, and forward + backward
 * into the model's gradient buffer. A worker's compute thread runs it between the weights' arrival and the push;
 * {@code descent bench scale --ceiling} runs it alone in as many processes as there are workers, to measure what
 * this host gives the compute with no communication at all.
 *
 * <p>Not thread-safe: every method runs on one thread (the model's).
 */
public final class StepCompute
{
    private final Model model;
    private final StepPlan plan;
    private final WorkerBatches batches;
    private final Loss loss;
    private final long seed;

    /**
     * @param model the model whose parameters the step reads and whose gradient buffer it overwrites.
     * @param plan  the job's step plan.
     * @param train the training split the orders' shards index.
     * @param loss  the job's loss.
     * @param seed  the job seed (the per-step noise derives from it).
     */
    public StepCompute(final Model model, final StepPlan plan, final ExampleSource train, final Loss loss,
        final long seed)
    {
        this.model = model;
        this.plan = plan;
        this.batches = new WorkerBatches(plan, train, model.dataType());
        this.loss = loss;
        this.seed = seed;
    }

    /**
     * The order a worker gets while every rank of the plan is live: its own shard only.
     *
     * @param plan the job's step plan.
     * @param step the step.
     * @param rank the worker's rank, below {@code plan.shards()}.
     * @return the order of {@code rank} for {@code step}.
     */
    public static StepOrder ownShard(final StepPlan plan, final long step, final int rank)
    {
        return new StepOrder(step, plan.epochOf(step), plan.batchOf(step), new int[]{ rank });
    }

    /** @return the job's step plan. */
    public StepPlan plan()
    {
        return plan;
    }

    /** @return rows in the batch of {@code order}. */
    public int rows(final StepOrder order)
    {
        return batches.rows(order);
    }

    /**
     * Computes the gradient of the mean loss over the order's batch (batch {@code order.batch()} of each of its
     * shards, concatenated) into the model's gradient buffer.
     *
     * @return the batch's mean loss.
     */
    public double compute(final StepOrder order)
    {
        final WorkerBatches.Batch batch = batches.fill(order);
        model.seedNoise(SplitMix64.derive(SplitMix64.derive(seed, order.step()), order.shards()[0]));
        return model.computeGradients(batch.features(), batch.targets(), loss);
    }

    /**
     * Copies in the batch of the step after {@code done} on the same shards, so that the next {@link #compute} finds
     * it ready when the guess holds. Call it once the gradient of {@code done} has been sent.
     */
    public void readAhead(final StepOrder done)
    {
        batches.readAhead(done);
    }
}
