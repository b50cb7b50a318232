package io.descent.nn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NCHW (or NHWC) views of the layers' row arrays for ND4J's image ops: the same memory seen with another shape, never a copy.
 * Stateless.
 */
final class Nchw
{
    private Nchw()
    {
    }

    /** @return [batch, C, H, W] over {@code rows} ([batch × C·H·W], contiguous row-major). */
    static INDArray image(final INDArray rows, final long batch, final Shape shape)
    {
        return view(rows, new long[]{ batch, shape.channels(), shape.height(), shape.width() });
    }

    /**
     * @return [batch, C, H, W] over CHW rows, or [batch, H, W, C] over channels-last (HWC) rows, of {@code rows}
     *         ([batch × C·H·W], contiguous row-major).
     */
    static INDArray image(final INDArray rows, final long batch, final Shape shape, final boolean channelsLast)
    {
        return channelsLast ?
            view(rows, new long[]{ batch, shape.height(), shape.width(), shape.channels() }) : image(rows, batch, shape);
    }

    /** The same memory as {@code array} (contiguous, row-major) seen with another shape; never a copy. */
    static INDArray view(final INDArray array, final long[] shape)
    {
        if (array.ordering() != 'c' || array.elementWiseStride() != 1)
        {
            throw new IllegalArgumentException("an NCHW view needs a contiguous row-major array: " +
                array.shapeInfoToString());
        }
        final long[] stride = new long[shape.length];
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--)
        {
            stride[i] = step;
            step *= shape[i];
        }
        if (step != array.length())
        {
            throw new IllegalArgumentException("viewing " + array.length() + " elements as " + step);
        }
        return Nd4j.create(array.data(), shape, stride, array.offset(), 'c', array.dataType());
    }
}
