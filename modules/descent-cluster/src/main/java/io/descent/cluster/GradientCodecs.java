package io.descent.cluster;

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
}
