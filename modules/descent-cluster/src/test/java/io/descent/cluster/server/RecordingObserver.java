package io.descent.cluster.server;

import io.descent.nn.error.BadInputException;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link JobObserver} that records everything, for tests. Thread-safe. */
public final class RecordingObserver implements JobObserver
{
    public final CompletableFuture<JobResult> result = new CompletableFuture<>();
    /** Completed when the job stops on bad input (then {@link #result} fails). */
    public final CompletableFuture<BadInputException> badInput = new CompletableFuture<>();
    public final List<EpochReport> epochs = new CopyOnWriteArrayList<>();
    public final List<String> refused = new CopyOnWriteArrayList<>();
    public final List<Integer> lost = new CopyOnWriteArrayList<>();
    /** The reasons of {@link #lost}, in the same order. */
    public final List<String> lostReasons = new CopyOnWriteArrayList<>();
    /** Joins as {rank, step}. */
    public final BlockingQueue<long[]> joined = new LinkedBlockingQueue<>();

    /** Join retries as {rank, missed step, next step}. */
    public final List<long[]> joinRetries = new CopyOnWriteArrayList<>();
    /** Control messages ignored for naming no admitted worker ({@link JobObserver#onIgnoredControl}). */
    public final List<String> ignoredControl = new CopyOnWriteArrayList<>();
    /** Joiners admitted, as {rank, join step}. */
    public final BlockingQueue<long[]> admitted = new LinkedBlockingQueue<>();

    /** Set to record {@link #master} and {@link #held} of every published version (off: they stay empty). */
    public volatile boolean recordWeights;
    /** By version: the server's (range of the) master weights as published. */
    public final Map<Long, float[]> master = new ConcurrentHashMap<>();
    /** By version: what a worker ordered it holds for the server's range (the shadow with threshold weights). */
    public final Map<Long, float[]> held = new ConcurrentHashMap<>();

    @Override
    public void onWeightsPublished(final long version, final DirectBuffer masterWeights, final DirectBuffer heldWeights)
    {
        if (recordWeights)
        {
            master.put(version, floats(masterWeights));
            held.put(version, floats(heldWeights));
        }
    }

    /** @return a copy of a float32 buffer's values. */
    public static float[] floats(final DirectBuffer buffer)
    {
        final float[] copy = new float[buffer.capacity() / Float.BYTES];
        for (int i = 0; i < copy.length; i++)
        {
            copy[i] = buffer.getFloat(i * Float.BYTES);
        }
        return copy;
    }

    @Override
    public void onIgnoredControl(final String message)
    {
        ignoredControl.add(message);
    }

    @Override
    public void onJoinerAdmitted(final int rank, final long joinStep)
    {
        admitted.add(new long[]{ rank, joinStep });
    }

    @Override
    public void onJoinRetry(final int rank, final long missedStep, final long nextStep)
    {
        joinRetries.add(new long[]{ rank, missedStep, nextStep });
    }

    @Override
    public void onWorkerJoined(final int rank, final long step)
    {
        joined.add(new long[]{ rank, step });
    }

    @Override
    public void onRefused(final String host, final long pid, final String reason)
    {
        refused.add(reason);
    }

    @Override
    public void onWorkerLost(final int rank, final String reason)
    {
        lost.add(rank);
        lostReasons.add(reason);
    }

    @Override
    public void onEpoch(final EpochReport report)
    {
        epochs.add(report);
    }

    @Override
    public void onFinished(final JobResult jobResult)
    {
        result.complete(jobResult);
    }

    @Override
    public void onFailed(final String reason)
    {
        result.completeExceptionally(new AssertionError("job failed: " + reason));
    }

    @Override
    public void onBadInput(final BadInputException problem)
    {
        badInput.complete(problem);
        result.completeExceptionally(new AssertionError("job stopped on bad input: " + problem.getMessage()));
    }

    /** @return the result, waiting at most {@code seconds}. */
    public JobResult await(final int seconds) throws Exception
    {
        return result.get(seconds, TimeUnit.SECONDS);
    }
}
