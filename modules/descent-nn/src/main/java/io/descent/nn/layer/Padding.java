package io.descent.nn.layer;

import java.util.Locale;

/**
 * How a convolution pads its input: {@code valid} (none), {@code same} (the output is ceil(input / stride); the
 * total padding is split with the odd element at the bottom/right, as TensorFlow does) or N zeros on every side.
 * Immutable.
 *
 * @param mode   the kind.
 * @param amount N for {@link Mode#EXPLICIT}, else 0.
 */
public record Padding(Mode mode, int amount)
{
    /** The kinds of padding. */
    public enum Mode
    {
        VALID,
        SAME,
        EXPLICIT
    }

    /** No padding. */
    public static final Padding VALID = new Padding(Mode.VALID, 0);
    /** Output size ceil(input / stride). */
    public static final Padding SAME = new Padding(Mode.SAME, 0);

    public Padding
    {
        if (amount < 0 || (mode != Mode.EXPLICIT && amount != 0))
        {
            throw new IllegalArgumentException("padding " + mode + " with amount " + amount);
        }
    }

    /**
     * @param amount zeros on every side, >= 0.
     * @return explicit padding.
     */
    public static Padding of(final int amount)
    {
        return new Padding(Mode.EXPLICIT, amount);
    }

    /**
     * Padding before the first element of one axis.
     *
     * @param input  the axis' input length.
     * @param kernel the window length.
     * @param stride the stride.
     * @return zeros before the first input element.
     */
    public int before(final int input, final int kernel, final int stride)
    {
        return switch (mode)
        {
            case VALID -> 0;
            case EXPLICIT -> amount;
            case SAME -> total(input, kernel, stride) / 2;
        };
    }

    /**
     * Padding after the last element of one axis.
     *
     * @param input  the axis' input length.
     * @param kernel the window length.
     * @param stride the stride.
     * @return zeros after the last input element.
     */
    public int after(final int input, final int kernel, final int stride)
    {
        return switch (mode)
        {
            case VALID -> 0;
            case EXPLICIT -> amount;
            case SAME -> total(input, kernel, stride) - total(input, kernel, stride) / 2;
        };
    }

    private static int total(final int input, final int kernel, final int stride)
    {
        final int output = (input + stride - 1) / stride;
        return Math.max((output - 1) * stride + kernel - input, 0);
    }

    /** @return {@code valid}, {@code same} or N. */
    @Override
    public String toString()
    {
        return mode == Mode.EXPLICIT ? Integer.toString(amount) : mode.name().toLowerCase(Locale.ROOT);
    }
}
