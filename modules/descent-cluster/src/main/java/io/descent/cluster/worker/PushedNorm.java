package io.descent.cluster.worker;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.Consistency;
import io.descent.cluster.GradientCodecs;
import io.descent.transport.codec.GradientDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The squared L2 norm of the gradient a worker pushes, over exactly the values the parameter-server shards decode:
 * the float32 values as sent, the fp16 or bf16 halves, or threshold's ±k·τ quanta (not the gradient as computed). A
 * worker reports it with each gradient ({@link io.descent.cluster.protocol.GradientMeta#squares()}) when the shards
 * need it: gradient-norm clipping under {@code ssp} or {@code async} with several shards, where each shard applies its
 * range of a gradient alone, on arrival, and clips it by the whole gradient's norm, as one server clips the whole
 * gradient. Summed as the ranges are encoded, range by range or piece by piece, in double precision. Confined to the
 * worker's compute thread.
 */
final class PushedNorm
{
    private final boolean needed;
    /** What the servers decode the ranges with, or null for float32. */
    private final GradientDecoder decoder;
    private final UnsafeBuffer piece = new UnsafeBuffer(new byte[0]);
    private double squares;

    private PushedNorm(final boolean needed, final GradientDecoder decoder)
    {
        this.needed = needed;
        this.decoder = decoder;
    }

    /**
     * @param settings the worker's cluster settings (consistency and compression are the server's: registration
     *                 refuses a worker whose consistency differs, and a chunk of another encoding does not match).
     * @param clipNorm the job's {@code train.clip-norm}.
     * @param shards   the parameter-server shards of the join.
     * @return a norm computed only when needed: {@code clip-norm > 0} under {@code ssp} or {@code async} with more
     * than one shard (one server clips the whole gradient itself; under {@code sync} and {@code backup} the shards
     * clip the step's sum, whose norm they add up among themselves).
     */
    static PushedNorm of(final ClusterSettings settings, final double clipNorm, final int shards)
    {
        final Consistency.Mode mode = settings.consistency().mode();
        final boolean needed = clipNorm > 0.0 && shards > 1 &&
            (mode == Consistency.Mode.SSP || mode == Consistency.Mode.ASYNC);
        return new PushedNorm(needed, GradientCodecs.decoder(settings.compression()));
    }

    /** @return true when pushes report the norm. */
    boolean needed()
    {
        return needed;
    }

    /**
     * Starts the norm of a push; float32 gradients are sent as they are, so their norm is taken here, whole.
     *
     * @param gradient the whole gradient about to be pushed.
     */
    void start(final INDArray gradient)
    {
        squares = 0.0;
        if (needed && null == decoder)
        {
            final double norm = Nd4j.getBlasWrapper().level1().nrm2(gradient);
            squares = norm * norm;
        }
    }

    /**
     * Adds the values of an encoded range, or of a piece of one (fp16 and bf16 values each have a place of their
     * own); nothing for float32 or when the norm is not needed.
     *
     * @param encoded  the encoding as it is sent.
     * @param fromByte where the range's (or piece's) bytes start in it.
     * @param toByte   where they end.
     * @param floats   the values they hold.
     * @throws IllegalStateException when they do not decode into {@code floats} values (an encoder's bug).
     */
    void add(final DirectBuffer encoded, final int fromByte, final int toByte, final int floats)
    {
        if (!needed || null == decoder)
        {
            return;
        }
        piece.wrap(encoded, fromByte, toByte - fromByte);
        final double part = decoder.squares(piece, toByte - fromByte, floats);
        if (Double.isNaN(part))
        {
            throw new IllegalStateException("the " + decoder.compression().label() + " encoding of " + floats +
                " values in " + (toByte - fromByte) + " bytes does not decode");
        }
        squares += part;
    }

    /**
     * @return the squared norm of the push so far, +∞ when a value is not finite (the servers then find the gradient
     * diverged, as one server would); NaN when not needed.
     */
    double squares()
    {
        if (!needed)
        {
            return Double.NaN;
        }
        return Double.isNaN(squares) ? Double.POSITIVE_INFINITY : squares;
    }
}
