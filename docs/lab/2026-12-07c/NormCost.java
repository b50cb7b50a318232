import io.descent.transport.codec.Compression;
import io.descent.transport.codec.HalfDecoder;
import io.descent.transport.codec.HalfEncoder;
import io.descent.transport.codec.ThresholdDecoder;
import io.descent.transport.codec.ThresholdEncoder;
import io.descent.transport.codec.ThresholdSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * What the worker's reported norm costs per push (issue 18, clip-norm under ssp/async with shards): the squared norm
 * over the values the shards decode, for float32 (BLAS nrm2 over the gradient), fp16 and bf16 (GradientDecoder.squares
 * over the halves) and threshold (over the message's header and level bytes), against encoding the same gradient.
 * Median of 30 rounds after 40 of warm-up, milliseconds. Run from the worktree after `mvn -B -o -q package
 * -DskipTests`: OMP_NUM_THREADS=1 java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens
 * java.base/java.nio=ALL-UNNAMED -cp "modules/descent-cli/target/descent-cli.jar:modules/descent-cli/target/lib/*"
 * docs/lab/2026-12-07c/NormCost.java 535818 5918218
 */
public final class NormCost
{
    public static void main(final String[] args)
    {
        for (final String arg : args)
        {
            final int n = Integer.parseInt(arg);
            final Random random = new Random(18);
            final float[] values = new float[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = (float)(random.nextGaussian() * 0.01);
            }
            final INDArray gradient = Nd4j.createFromArray(values).castTo(DataType.FLOAT);
            final UnsafeBuffer floats = new UnsafeBuffer(ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN));
            for (int i = 0; i < n; i++)
            {
                floats.putFloat(i * 4, values[i], ByteOrder.LITTLE_ENDIAN);
            }
            System.out.printf("n=%d floats%n", n);
            System.out.printf("  none   nrm2 %.3f ms%n", median(() -> Nd4j.getBlasWrapper().level1().nrm2(gradient)));
            for (final Compression half : new Compression[]{ Compression.FP16, Compression.BF16 })
            {
                final HalfEncoder encoder = new HalfEncoder(half, n);
                final UnsafeBuffer encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
                final int bytes = encoder.encode(floats, 0, encoded);
                final HalfDecoder decoder = new HalfDecoder(half);
                System.out.printf("  %-6s encode %.3f ms, squares %.3f ms%n", half.label(),
                    median(() -> encoder.encode(floats, 0, encoded)), median(() -> decoder.squares(encoded, bytes, n)));
            }
            final ThresholdEncoder threshold = new ThresholdEncoder(n, ThresholdSettings.DEFAULTS);
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(threshold.maxEncodedBytes()));
            final int[] length = { threshold.encode(floats, 0, message) };
            final ThresholdDecoder decoder = new ThresholdDecoder();
            System.out.printf("  threshold encode %.3f ms, squares %.3f ms (%d values sent)%n",
                median(() -> length[0] = threshold.encode(floats, 0, message)),
                median(() -> decoder.squares(message, length[0], n)), decoder.valuesSent(message, length[0], n));
        }
    }

    private static double median(final Runnable task)
    {
        final double[] ms = new double[30];
        for (int round = -40; round < ms.length; round++)
        {
            final long start = System.nanoTime();
            task.run();
            if (round >= 0)
            {
                ms[round] = (System.nanoTime() - start) / 1e6;
            }
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
