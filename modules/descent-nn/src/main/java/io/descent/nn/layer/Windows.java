package io.descent.nn.layer;

/**
 * Where the sliding windows of a convolution or pooling layer fall on one channel of an image: the output size and,
 * for every output position and window element, the input position it reads (or -1 where it reads padding). The
 * index tables the layers gather through are built from it once, per example (the same for every batch row).
 * Immutable.
 */
final class Windows
{
    private final int inputHeight;
    private final int inputWidth;
    private final int kernelHeight;
    private final int kernelWidth;
    private final int outputHeight;
    private final int outputWidth;
    private final int[] spatial;
    private final String description;

    /**
     * @param input    the input image (only height and width are used).
     * @param kernel   window rows and columns.
     * @param stride   vertical and horizontal stride.
     * @param padding  the padding rule.
     * @param where    the layer, for the message when the window does not fit.
     * @throws io.descent.nn.error.BadInputException when the output would be empty.
     */
    Windows(final Shape input, final int[] kernel, final int[] stride, final Padding padding, final String where)
    {
        inputHeight = input.height();
        inputWidth = input.width();
        kernelHeight = kernel[0];
        kernelWidth = kernel[1];
        final int top = padding.before(inputHeight, kernelHeight, stride[0]);
        final int left = padding.before(inputWidth, kernelWidth, stride[1]);
        final int paddedHeight = inputHeight + top + padding.after(inputHeight, kernelHeight, stride[0]);
        final int paddedWidth = inputWidth + left + padding.after(inputWidth, kernelWidth, stride[1]);
        if (paddedHeight < kernelHeight || paddedWidth < kernelWidth)
        {
            throw new io.descent.nn.error.BadInputException(where + ": a " + kernelHeight + "x" + kernelWidth +
                " window does not fit its " + input + " input with padding " + padding + " (" + paddedHeight + "x" +
                paddedWidth + " padded); use a smaller kernel or size, more padding, or fewer pooling layers before it");
        }
        description = kernelHeight + "x" + kernelWidth + ",stride " + stride[0] + "x" + stride[1] + ",pad " + top +
            "," + (paddedHeight - inputHeight - top) + "," + left + "," + (paddedWidth - inputWidth - left);
        outputHeight = (paddedHeight - kernelHeight) / stride[0] + 1;
        outputWidth = (paddedWidth - kernelWidth) / stride[1] + 1;
        final int area = kernelHeight * kernelWidth;
        spatial = new int[outputHeight * outputWidth * area];
        for (int oy = 0; oy < outputHeight; oy++)
        {
            for (int ox = 0; ox < outputWidth; ox++)
            {
                final int base = (oy * outputWidth + ox) * area;
                for (int ky = 0; ky < kernelHeight; ky++)
                {
                    for (int kx = 0; kx < kernelWidth; kx++)
                    {
                        final int iy = oy * stride[0] - top + ky;
                        final int ix = ox * stride[1] - left + kx;
                        final boolean inside = iy >= 0 && iy < inputHeight && ix >= 0 && ix < inputWidth;
                        spatial[base + ky * kernelWidth + kx] = inside ? iy * inputWidth + ix : -1;
                    }
                }
            }
        }
    }

    /** @return kernel, stride and the padding on each side (top, bottom, left, right), for fingerprints. */
    String describe()
    {
        return description;
    }

    /** @return output rows. */
    int outputHeight()
    {
        return outputHeight;
    }

    /** @return output columns. */
    int outputWidth()
    {
        return outputWidth;
    }

    /** @return output positions per channel. */
    int positions()
    {
        return outputHeight * outputWidth;
    }

    /** @return elements of one window on one channel. */
    int area()
    {
        return kernelHeight * kernelWidth;
    }

    /**
     * The im2col table of a convolution: for output position p and patch element k = (c, ky, kx) (c-major), entry
     * {@code p·K + k} (K = channels · area) is the index into one example's CHW input, or -1 for padding.
     *
     * @param channels input channels.
     * @return the table, positions × K.
     */
    int[] patchTable(final int channels)
    {
        final int area = area();
        final int patch = channels * area;
        final int plane = inputHeight * inputWidth;
        final int[] table = new int[positions() * patch];
        for (int p = 0; p < positions(); p++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int w = 0; w < area; w++)
                {
                    final int at = spatial[p * area + w];
                    table[p * patch + c * area + w] = at < 0 ? -1 : c * plane + at;
                }
            }
        }
        return table;
    }

    /**
     * The window table of a pooling layer: for channel c, output position p and window element w (row-major), entry
     * {@code (c·P + p)·area + w} is the index into one example's CHW input. Pooling does not pad, so none is -1.
     *
     * @param channels channels.
     * @return the table, channels × positions × area.
     */
    int[] windowTable(final int channels)
    {
        return windowTable(channels, ImageLayout.CHW);
    }

    /**
     * The window table of a pooling layer in a layout: entry {@code o·area + w} is the index into one example's input
     * of window element w (row-major) of output o, both in that layout: o = c·P + p for CHW, as {@link
     * #windowTable(int)}, o = p·C + c channels-last, reading input (c, y, x) at {@code (y·W + x)·C + c}.
     *
     * @param channels channels.
     * @param layout   how the input and output rows lie.
     * @return the table, (channels × positions) × area.
     */
    int[] windowTable(final int channels, final ImageLayout layout)
    {
        final int area = area();
        final int plane = inputHeight * inputWidth;
        final int[] table = new int[channels * positions() * area];
        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < positions(); p++)
            {
                final int output = layout == ImageLayout.CHW ? c * positions() + p : p * channels + c;
                for (int w = 0; w < area; w++)
                {
                    final int at = spatial[p * area + w];
                    table[output * area + w] = layout == ImageLayout.CHW ? c * plane + at : at * channels + c;
                }
            }
        }
        return table;
    }
}
