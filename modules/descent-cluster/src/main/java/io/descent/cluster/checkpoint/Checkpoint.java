package io.descent.cluster.checkpoint;

/**
 * Metadata of one checkpoint (stored with Kryo next to the raw float32 buffers). Immutable.
 *
 * @param step             the next step to compute (= weights version stored).
 * @param shards           the job's number of shards (workers): steps map to data positions through it.
 * @param epoch            the 1-based epoch of {@code step} (the data position, with {@code batch}).
 * @param batch            the 0-based batch of {@code step} within its epoch.
 * @param epochLossSum     Σ loss × examples of the epoch's steps already taken.
 * @param epochExamples    examples of the epoch's steps already taken.
 * @param fingerprint      the model fingerprint hash.
 * @param architecture     the model architecture.
 * @param configDigest     digest of the job configuration.
 * @param config           the job configuration, rendered as HOCON.
 * @param vectorLengths    float count of each buffer: the weights, then the optimizer state vectors.
 * @param createdMillis    wall-clock time of writing.
 */
public record Checkpoint(
    long step,
    int shards,
    int epoch,
    int batch,
    double epochLossSum,
    long epochExamples,
    long fingerprint,
    String architecture,
    long configDigest,
    String config,
    long[] vectorLengths,
    long createdMillis)
{
}
