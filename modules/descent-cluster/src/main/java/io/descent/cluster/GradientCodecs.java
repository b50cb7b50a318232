package io.descent.cluster;

import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.codec.HalfDecoder;
import io.descent.transport.codec.HalfEncoder;
import io.descent.transport.codec.ThresholdDecoder;
import io.descent.transport.codec.ThresholdEncoder;
import io.descent.transport.codec.ThresholdSettings;

/**
 * Makes the gradient codecs of a {@link GradientCompression}: one encoder per (worker, server-shard range), one
 * decoder per server. The one place that maps a setting to its codec classes. Stateless; any thread.
 */
public final class GradientCodecs
{
    private GradientCodecs()
    {
    }

    /**
     * @param compression the job's setting.
     * @param floats      the range's length in floats.
     * @return a new encoder of that range (stateful for threshold: its residual), or null for
     * {@link io.descent.transport.codec.Compression#NONE} (the gradient is sent as it is, without a copy).
     */
    public static GradientEncoder encoder(final GradientCompression compression, final int floats)
    {
        return switch (compression.compression())
        {
            case NONE -> null;
            case FP16, BF16 -> new HalfEncoder(compression.compression(), floats);
            case THRESHOLD -> new ThresholdEncoder(floats, new ThresholdSettings(compression.density(),
                compression.initialTau(), compression.minTau(), compression.maxTau()));
        };
    }

    /**
     * @param compression the job's setting.
     * @return the decoder the server adds a rank's range into its sum with, or null for
     * {@link io.descent.transport.codec.Compression#NONE} (the gradient lands as float32 and is summed by BLAS).
     */
    public static GradientDecoder decoder(final GradientCompression compression)
    {
        return switch (compression.compression())
        {
            case NONE -> null;
            case FP16, BF16 -> new HalfDecoder(compression.compression());
            case THRESHOLD -> new ThresholdDecoder();
        };
    }

    /**
     * @param compression the job's setting ({@code weight-compression}).
     * @param floats      the server's range in floats.
     * @return a new encoder of the published weights of that range (threshold: of each version's change, with its
     * error-feedback residual, from {@code weight-threshold}), or null for float32 weights.
     */
    public static GradientEncoder weightsEncoder(final GradientCompression compression, final int floats)
    {
        return switch (compression.weights())
        {
            case NONE -> null;
            case FP16, BF16 -> new HalfEncoder(compression.weights(), floats);
            case THRESHOLD -> new ThresholdEncoder(floats, compression.weightThreshold());
        };
    }

    /**
     * @param compression the job's setting ({@code weight-compression}).
     * @return the decoder a worker writes (half) or adds (threshold) the published weights into its parameters with,
     * or null for float32 weights (they land in the parameters as they are).
     */
    public static GradientDecoder weightsDecoder(final GradientCompression compression)
    {
        return switch (compression.weights())
        {
            case NONE -> null;
            case FP16, BF16 -> new HalfDecoder(compression.weights());
            case THRESHOLD -> new ThresholdDecoder();
        };
    }

    /**
     * @param compression the job's setting ({@code weight-compression}, and {@code weight-threshold.levels}).
     * @param floats      a range's length in floats.
     * @return the most bytes a published range of weights takes: what a worker stages it in.
     */
    public static int weightsCapacity(final GradientCompression compression, final int floats)
    {
        final Compression encoding = compression.weights();
        return encoding.isVariableLength() ?
            ThresholdDecoder.maxEncodedBytes(floats, compression.weightThreshold().levels()) :
            floats * encoding.bytesPerValue();
    }
}
