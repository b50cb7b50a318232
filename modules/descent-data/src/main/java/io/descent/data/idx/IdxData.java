package io.descent.data.idx;

/**
 * The content of an unsigned-byte IDX file: its dimensions and its data bytes in row-major order.
 *
 * @param dimensions the sizes from the header, outermost (item count) first.
 * @param data       the unsigned bytes, length = product of the dimensions; owned by the receiver.
 */
public record IdxData(int[] dimensions, byte[] data)
{
    /**
     * @return the number of items (the first dimension).
     */
    public int count()
    {
        return dimensions[0];
    }

    /**
     * @return the number of bytes per item (the product of the remaining dimensions, 1 for a vector).
     */
    public int itemLength()
    {
        int length = 1;
        for (int i = 1; i < dimensions.length; i++)
        {
            length *= dimensions[i];
        }
        return length;
    }
}
