package io.descent.cluster.server;

import io.descent.cluster.GradientCodecs;
import io.descent.cluster.GradientCompression;
import io.descent.cluster.dataplane.Buffers;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.ThresholdEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Threshold-coded weights ({@code descent.cluster.weight-compression = threshold}) of one server range: the copy of
 * the weights every worker holds (the shadow) and the coding of each published version's change against it, with
 * error feedback (DoubleSqueeze, Tang et al. 2019). Each version the change of the float32 master weights since the
 * last one is added to the encoder's residual, which is then master − shadow up to float rounding; the quanta sent
 * ({@code ±τ} for about {@code weight-threshold.density} of the values) are added into the shadow by the same decoder
 * the workers add them with, so a worker that got the shadow dense once and every change since holds it bit for bit.
 * Non-finite master values travel in the message's header (the workers' weights turn non-finite, so the divergence
 * check fires).
 * <p>
 * Lead ({@code weight-threshold.lead} L): a value that moves steadily is sent once its residual reaches τ, so the
 * shadow trails the master by about τ / 2 in the direction it moves, and the workers compute their gradients at weights
 * that lag. With L above 0 the code aims instead at a target ahead of the master: {@code target = master +
 * clamp(L · (master − last version's master), ±τ / 2)} (τ of the last version), and the coded change is the target's;
 * so the residual is target − shadow and a steady value's shadow is centred on the master. A value that stops has no
 * lead: the target is the master again. Confined to the server's compute thread.
 */
final class WeightShadow
{
    private final int floats;
    private final ThresholdEncoder encoder;
    private final float lead;
    private final GradientDecoder decoder;
    private final INDArray shadow;
    private final INDArray previous;
    private final INDArray change;
    /** With a lead: the target of the last version (what the shadow converges to). */
    private final INDArray target;
    private final UnsafeBuffer previousView;
    private final UnsafeBuffer targetView;
    private final UnsafeBuffer shadowView;
    private final UnsafeBuffer changeView;
    private final UnsafeBuffer encoded;
    private int encodedBytes = -1;

    /**
     * @param compression the job's setting (threshold weights, {@code weight-threshold}).
     * @param master      the range's master weights (only their type and length are read here).
     */
    WeightShadow(final GradientCompression compression, final INDArray master)
    {
        this.floats = Math.toIntExact(master.length());
        this.encoder = (ThresholdEncoder)GradientCodecs.weightsEncoder(compression, floats);
        this.lead = (float)compression.weightLead();
        this.decoder = GradientCodecs.weightsDecoder(compression);
        this.shadow = Nd4j.create(master.dataType(), floats);
        this.previous = Nd4j.create(master.dataType(), floats);
        this.change = Nd4j.create(master.dataType(), floats);
        this.target = Nd4j.create(master.dataType(), floats);
        this.previousView = Buffers.view(previous);
        this.targetView = Buffers.view(target);
        this.shadowView = Buffers.view(shadow);
        this.changeView = Buffers.view(change);
        this.encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
    }

    /**
     * The next published version: codes the master's change since the last one, adds what is sent into the shadow.
     * When no worker holds the shadow any more ({@code anyHolds} false: the first version, or every holder left), it
     * starts again from the master instead: shadow = master, residual 0, nothing coded.
     *
     * @param master   the range's master weights, as published now.
     * @param anyHolds true when some worker ordered this version holds the shadow of the last one.
     * @return the coded change's length in bytes ({@link #encoded()}), or -1 when the shadow started again.
     */
    int advance(final INDArray master, final boolean anyHolds)
    {
        if (!anyHolds)
        {
            shadow.assign(master);
            previous.assign(master);
            target.assign(master);
            encoder.reset();
            encodedBytes = -1;
            return -1;
        }
        change.assign(master);
        if (lead > 0.0f)
        {
            aimAhead();
        }
        else
        {
            Nd4j.getBlasWrapper().level1().axpy(floats, -1.0, previous, change);
            previous.assign(master);
        }
        encodedBytes = encoder.encode(changeView, 0, encoded);
        if (!decoder.accumulate(encoded, encodedBytes, shadowView, floats, 1.0f, false))
        {
            throw new IllegalStateException("the weights' threshold code of " + encodedBytes + " bytes does not " +
                "decode into its own range of " + floats + " floats");
        }
        return encodedBytes;
    }

    /**
     * With {@link #change} holding the master: turns it into the change of the target (master plus its lead), and
     * moves {@link #previous} and {@link #target} on to this version.
     */
    private void aimAhead()
    {
        final float half = encoder.tau() / 2;
        for (int i = 0; i < floats; i++)
        {
            final int at = i << 2;
            final float now = changeView.getFloat(at, LITTLE_ENDIAN);
            final float ahead = Math.max(-half, Math.min(half, lead * (now - previousView.getFloat(at, LITTLE_ENDIAN))));
            // A NaN lead (a non-finite master) is clamped away; the master's own NaN still reaches the target.
            final float aim = now + (ahead == ahead ? ahead : 0.0f);
            changeView.putFloat(at, aim - targetView.getFloat(at, LITTLE_ENDIAN), LITTLE_ENDIAN);
            targetView.putFloat(at, aim, LITTLE_ENDIAN);
            previousView.putFloat(at, now, LITTLE_ENDIAN);
        }
    }

    /** @return the shadow: what a worker holding every version so far holds (float32, the range's length). */
    UnsafeBuffer shadow()
    {
        return shadowView;
    }

    /** @return the last coded change (its length: {@link #advance}'s result). */
    DirectBuffer encoded()
    {
        return encoded;
    }

    /** @return the values the last coded change carries, for the report's density. */
    long valuesSent()
    {
        return encodedBytes < 0 ? 0 : decoder.valuesSent(encoded, encodedBytes, floats);
    }

    /** @return the τ of the last coded change, or NaN when none was coded. */
    double tau()
    {
        return encodedBytes < 0 ? Double.NaN : decoder.tau(encoded, encodedBytes);
    }
}
