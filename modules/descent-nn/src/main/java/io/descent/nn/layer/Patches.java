package io.descent.nn.layer;

/**
 * The data movement of the convolution and pooling layers as plain loops over preallocated arrays: gathering
 * patches through an index table (im2col), scattering them back with accumulation (col2im), and switching a
 * [batch·positions × channels] matrix to NCHW and back. Loops run in a fixed order, so results are reproducible
 * bitwise. Stateless.
 */
final class Patches
{
    private Patches()
    {
    }

    /**
     * {@code target[b·T + i] = table[i] < 0 ? 0 : source[b·rowLength + table[i]]} for every row b, T = table length.
     *
     * @param source    [batch × rowLength] input rows.
     * @param rowLength values per input row.
     * @param table     indices into one row, -1 for a zero.
     * @param target    [batch × T] output.
     * @param batch     rows.
     */
    static void gather(final Flat source, final int rowLength, final int[] table, final Flat target, final int batch)
    {
        final int length = table.length;
        for (int b = 0; b < batch; b++)
        {
            final int from = b * rowLength;
            final int to = b * length;
            for (int i = 0; i < length; i++)
            {
                final int at = table[i];
                target.set(to + i, at < 0 ? 0.0 : source.get(from + at));
            }
        }
    }

    /**
     * The adjoint of {@link #gather}: clears {@code target}, then adds {@code source[b·T + i]} into
     * {@code target[b·rowLength + table[i]]} for every i with {@code table[i] >= 0}, in increasing i.
     *
     * @param source    [batch × T] values to scatter.
     * @param table     indices into one target row, -1 for none.
     * @param target    [batch × rowLength] output.
     * @param rowLength values per target row.
     * @param batch     rows.
     */
    static void scatterAdd(final Flat source, final int[] table, final Flat target, final int rowLength, final int batch)
    {
        target.clear(batch * rowLength);
        final int length = table.length;
        for (int b = 0; b < batch; b++)
        {
            final int from = b * length;
            final int to = b * rowLength;
            for (int i = 0; i < length; i++)
            {
                final int at = table[i];
                if (at >= 0)
                {
                    target.add(to + at, source.get(from + i));
                }
            }
        }
    }

    /**
     * [batch·positions × channels] (NHWC) to [batch × channels·positions] (NCHW).
     */
    static void toChannelsFirst(
        final Flat source, final Flat target, final int batch, final int positions, final int channels)
    {
        for (int b = 0; b < batch; b++)
        {
            final int base = b * positions * channels;
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    target.set(base + c * positions + p, source.get(base + p * channels + c));
                }
            }
        }
    }

    /**
     * [batch × channels·positions] (NCHW) to [batch·positions × channels] (NHWC).
     */
    static void toChannelsLast(
        final Flat source, final Flat target, final int batch, final int positions, final int channels)
    {
        for (int b = 0; b < batch; b++)
        {
            final int base = b * positions * channels;
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    target.set(base + p * channels + c, source.get(base + c * positions + p));
                }
            }
        }
    }
}
