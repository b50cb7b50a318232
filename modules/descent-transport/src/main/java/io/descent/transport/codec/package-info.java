/**
 * Gradient encodings for the data plane: how a worker's gradient range is written before it is sent
 * ({@link io.descent.transport.codec.GradientEncoder}) and how the parameter server adds an encoded range straight into
 * its running sum ({@link io.descent.transport.codec.GradientDecoder}). Plain float32 is the default; fp16, bf16 and
 * threshold-with-residual ({@link io.descent.transport.codec.Compression}) trade precision for bytes on the wire. No
 * ND4J: ranges are Agrona buffers over the caller's memory.
 */
package io.descent.transport.codec;
