package io.descent.cluster.server;

import io.descent.cluster.protocol.CompressionStats;
import org.agrona.DirectBuffer;

import java.util.function.Supplier;

import io.descent.nn.error.BadInputException;

/**
 * Told what the parameter server's job does, on the server actor's thread: keep each call short (print a line,
 * complete a future). Every method but {@link #onFinished} and {@link #onFailed} has a default: empty, or for
 * {@link #onBadInput}, {@link #onFailed}.
 */
public interface JobObserver
{
    /** All workers registered with a matching model; training starts at {@code firstStep}. */
    default void onStarted(final int workers, final long firstStep)
    {
    }

    /** A worker was refused at registration (model or configuration mismatch, job full). */
    default void onRefused(final String host, final long pid, final String reason)
    {
    }

    /**
     * A control message naming a worker the server did not admit, or no longer has (a forged one, or a stale one
     * from a worker whose rank was taken over), was ignored.
     *
     * @param message {@code ready} or {@code leave}.
     */
    default void onIgnoredControl(final String message)
    {
    }

    /** A worker was dropped from the job; its shard goes to the live workers. */
    default void onWorkerLost(final int rank, final String reason)
    {
    }

    /** A worker joined the running job in place of a lost one; it takes its shard back from {@code step}. */
    default void onWorkerJoined(final int rank, final long step)
    {
    }

    /**
     * A worker joining the running job in place of rank {@code rank} was armed for {@code missedStep} only after that
     * step's orders went out; it was told to arm for {@code nextStep} instead.
     */
    default void onJoinRetry(final int rank, final long missedStep, final long nextStep)
    {
    }

    /**
     * A worker joining the running job in place of rank {@code rank} armed in time: the step loop takes it in at
     * {@code joinStep} ({@link #onWorkerJoined} follows when that step goes out).
     */
    default void onJoinerAdmitted(final int rank, final long joinStep)
    {
    }

    /**
     * The server's model is built: {@code source} tells its gradient traffic (bytes before and after compression,
     * density, τ) from now on, from any thread (e.g. for {@code /metrics}).
     */
    default void onGradientTraffic(final Supplier<CompressionStats> source)
    {
    }

    /** What {@link #onWeightsPublished} is told, as a callback. */
    @FunctionalInterface
    interface Published
    {
        /** See {@link #onWeightsPublished}. */
        void onPublished(long version, DirectBuffer master, DirectBuffer held);
    }

    /**
     * The server (or the coordinator, for its range) published weights {@code version}; called on its compute
     * thread, before the sends complete. Both vectors are float32 over the server's range, read only during the call:
     * {@code master} its weights, {@code held} what a worker ordered that version holds once they are in (with
     * threshold-coded weights the shadow; else the master weights, which fp16 or bf16 round on the way). Keep it
     * short (tests compare the workers' weights with it).
     */
    default void onWeightsPublished(final long version, final DirectBuffer master, final DirectBuffer held)
    {
    }

    /** A step was applied (called every step: keep it cheap). */
    default void onStep(final StepReport report)
    {
    }

    /** A checkpoint of the state before {@code step} is safely on disk, written at {@code epochMillis}. */
    default void onCheckpoint(final long step, final long epochMillis)
    {
    }

    /** An epoch ended and its validation metrics are known. */
    default void onEpoch(final EpochReport report)
    {
    }

    /** The job completed. */
    void onFinished(JobResult result);

    /** The job cannot complete (no live workers, registration deadline, compute failure). */
    void onFailed(String reason);

    /**
     * The job stopped on bad input found while it ran: training diverged (see
     * {@code io.descent.train.TrainingDivergedException}), or the checkpoint to resume from belongs to another job or
     * is corrupt. Its message is the one line for the user. Called instead of {@link #onFailed}, which it defaults to.
     */
    default void onBadInput(final BadInputException problem)
    {
        onFailed(problem.getMessage());
    }
}
