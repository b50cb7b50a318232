package io.descent.nn.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Whether a vector holds only finite numbers: the divergence check of a training step, run on the gradient before
 * the update. Costs one BLAS {@code asum} pass (Σ|x|): a NaN anywhere makes the sum NaN and an infinity makes it
 * infinite, so a finite sum proves every element finite. Only when the sum is not finite (a NaN or infinity, or, very
 * rarely, finite elements whose absolute sum exceeds the float range) does a second, exact scan decide. Stateless and
 * thread-safe; the vector itself must not change during the call (ND4J arrays are confined to one thread).
 */
public final class Finite
{
    private Finite()
    {
    }

    /**
     * @param vector any array; views and non-float types are scanned element by element on the slow path.
     * @return true when no element is NaN or infinite (true for an empty array).
     */
    public static boolean all(final INDArray vector)
    {
        if (vector.isEmpty())
        {
            return true;
        }
        final double absoluteSum = Nd4j.getBlasWrapper().level1().asum(vector);
        return Double.isFinite(absoluteSum) || scan(vector);
    }

    /** The exact check: reads every element. */
    private static boolean scan(final INDArray vector)
    {
        if (vector.dataType() == DataType.FLOAT && !vector.isView())
        {
            final FloatBuffer floats = vector.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
            final int length = Math.toIntExact(vector.length());
            for (int i = 0; i < length; i++)
            {
                if (!Float.isFinite(floats.get(i)))
                {
                    return false;
                }
            }
            return true;
        }
        final INDArray flat = vector.reshape(vector.length());
        for (long i = 0; i < flat.length(); i++)
        {
            if (!Double.isFinite(flat.getDouble(i)))
            {
                return false;
            }
        }
        return true;
    }
}
