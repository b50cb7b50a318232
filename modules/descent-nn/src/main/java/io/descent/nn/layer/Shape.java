package io.descent.nn.layer;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of one example's activations: a flat vector {@code [n]} or an image {@code [channels, height, width]}.
 * A batch is always stored as a [batch × size()] row-major matrix; an image row holds its values in CHW order, so a
 * batch is NCHW. Immutable.
 *
 * @param dims {@code [n]} or {@code [channels, height, width]}, every entry >= 1.
 */
public record Shape(List<Integer> dims)
{
    public Shape
    {
        dims = List.copyOf(dims);
        if (dims.size() != 1 && dims.size() != 3)
        {
            throw new IllegalArgumentException("a shape is [n] or [channels, height, width], got " + dims);
        }
        if (dims.stream().anyMatch(d -> d < 1))
        {
            throw new IllegalArgumentException("shape entries must be >= 1, got " + dims);
        }
    }

    /**
     * @param n the vector's length.
     * @return {@code [n]}.
     */
    public static Shape flat(final int n)
    {
        return new Shape(List.of(n));
    }

    /**
     * @param channels channels.
     * @param height   rows.
     * @param width    columns.
     * @return {@code [channels, height, width]}.
     */
    public static Shape image(final int channels, final int height, final int width)
    {
        return new Shape(List.of(channels, height, width));
    }

    /** @return true for {@code [channels, height, width]}. */
    public boolean isImage()
    {
        return dims.size() == 3;
    }

    /** @return the number of values of one example. */
    public int size()
    {
        return Math.toIntExact(dims.stream().mapToLong(Integer::longValue).reduce(1L, Math::multiplyExact));
    }

    /** @return channels of an image (the length of a flat vector). */
    public int channels()
    {
        return dims.get(0);
    }

    /** @return rows of an image (1 for a flat vector). */
    public int height()
    {
        return isImage() ? dims.get(1) : 1;
    }

    /** @return columns of an image (1 for a flat vector). */
    public int width()
    {
        return isImage() ? dims.get(2) : 1;
    }

    /** @return e.g. {@code 784} or {@code 1x28x28}: the form used in fingerprints and messages. */
    @Override
    public String toString()
    {
        return dims.stream().map(String::valueOf).collect(Collectors.joining("x"));
    }
}
