package io.descent.cluster;

import io.descent.nn.error.BadInputException;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.codec.HalfDecoder;
import io.descent.transport.codec.HalfEncoder;

/**
 * Makes the gradient codecs of a {@link GradientCompression}: one encoder per (worker, server-shard range), one
 * decoder per server. The one place that maps a setting to its codec classes. Stateless; any thread.
 */
public final class GradientCodecs
{
    /** The line {@code compression = threshold} is refused with until its codec is wired in here. */
    static final String THRESHOLD_NOT_AVAILABLE = ClusterSettings.PATH + ".compression = threshold is not available " +
        "yet in this build; use none, fp16 or bf16";

    private GradientCodecs()
    {
    }

    /**
     * Refuses a compression this build has no codec for, at start (exit 2).
     *
     * @return {@code compression}.
     * @throws BadInputException one line naming the setting.
     */
    static GradientCompression checkAvailable(final GradientCompression compression)
    {
        return switch (compression.compression())
        {
            // Threshold: return compression once ThresholdEncoder/ThresholdDecoder are wired into encoder()/decoder().
            case THRESHOLD -> throw new BadInputException(THRESHOLD_NOT_AVAILABLE);
            default -> compression;
        };
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
            // Threshold: new ThresholdEncoder(floats, new ThresholdSettings(compression.density(),
            //     compression.initialTau(), compression.minTau(), compression.maxTau()))
            case THRESHOLD -> throw new BadInputException(THRESHOLD_NOT_AVAILABLE);
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
            // Threshold: new ThresholdDecoder()
            case THRESHOLD -> throw new BadInputException(THRESHOLD_NOT_AVAILABLE);
        };
    }
}
