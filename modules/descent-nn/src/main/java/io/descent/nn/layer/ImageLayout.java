package io.descent.nn.layer;

/**
 * How one example's image values lie in a row of a layer's arrays. The model's input rows and every flat layer's
 * arrays are {@link #CHW}; between image layers the model lets each layer choose ({@link Layer#arrange}): ND4J's
 * convolution and pooling ops run several times faster on channels-last images on the oneDNN build (batch 128,
 * measured on a 2-core AVX-512 host: a 1→32-channel 28×28 convolution 0.5 ms instead of 2.1, a 2×2 max-pool backward
 * 0.5 ms instead of 2.2), so there the image layers keep their activations {@link #HWC} and {@code flatten} turns them
 * back into CHW rows. The parameters and the fingerprint do not depend on it.
 */
public enum ImageLayout
{
    /** Channel-major: value (c, y, x) at {@code (c·H + y)·W + x}, the NCHW batch of the data pipeline. */
    CHW,
    /** Channels-last: value (c, y, x) at {@code (y·W + x)·C + c}, an NHWC batch. */
    HWC
}
