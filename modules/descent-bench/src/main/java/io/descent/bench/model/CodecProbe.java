package io.descent.bench.model;

import io.descent.cluster.GradientCodecs;
import io.descent.cluster.GradientCompression;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.GradientEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Measures, in this process, what a gradient compression costs per byte of the dense gradient on this host: the
 * worker's encode (for threshold one pass over the residual and the gradient) and the server's decode into its sum,
 * with the cluster's own codecs ({@link GradientCodecs}) at the settings' defaults (threshold density 1 %). Each the
 * median of several timed rounds over gradient-like values after a warm-up. Confined to the calling thread.
 */
final class CodecProbe
{
    private static final int ROUNDS = 5;

    private CodecProbe()
    {
    }

    /**
     * @param compression a gradient compression's label (none, fp16, bf16, threshold).
     * @param floats      the gradient's length.
     * @return its costs; {@link CodecCost#NONE} for none.
     */
    static CodecCost measure(final String compression, final int floats)
    {
        final Compression codec = Compression.fromLabel(compression);
        if (codec == Compression.NONE)
        {
            return CodecCost.NONE;
        }
        final GradientCompression defaults = GradientCompression.NONE;
        final GradientCompression setting = new GradientCompression(codec, defaults.density(),
            defaults.initialTau(), defaults.minTau(), defaults.maxTau());
        final GradientEncoder encoder = GradientCodecs.encoder(setting, floats);
        final GradientDecoder decoder = GradientCodecs.decoder(setting);
        final UnsafeBuffer gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        final SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < floats; i++)
        {
            gradient.putFloat(i * Float.BYTES, (float)(random.nextGaussian() * 1e-3));
        }
        final UnsafeBuffer encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
        final UnsafeBuffer sum = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        final double[] encode = new double[ROUNDS];
        final double[] decode = new double[ROUNDS];
        int bytes = encoder.encode(gradient, 0, encoded);
        decoder.accumulate(encoded, bytes, sum, floats, 1.0f, true);
        for (int round = 0; round < ROUNDS; round++)
        {
            final long start = System.nanoTime();
            bytes = encoder.encode(gradient, 0, encoded);
            final long encodedAt = System.nanoTime();
            if (!decoder.accumulate(encoded, bytes, sum, floats, 1.0f, false))
            {
                throw new IllegalStateException("the " + compression + " decoder refused its own encoder's " + bytes +
                    " bytes");
            }
            decode[round] = (System.nanoTime() - encodedAt) / 1e9;
            encode[round] = (encodedAt - start) / 1e9;
        }
        Arrays.sort(encode);
        Arrays.sort(decode);
        final double dense = (double)floats * Float.BYTES;
        return new CodecCost(encode[ROUNDS / 2] / dense, decode[ROUNDS / 2] / dense);
    }
}
