package io.descent.bench.scale;

import io.descent.bench.transport.ChunkTagger;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A worker's per-step byte work on the data plane besides its compute, without a network ({@link ComputeCeiling}'s
 * worker processes beside a server process): its gradient tagged and copied out into a publication, the step's
 * weights checked and copied in out of a receive buffer, both with the data plane's chunk tag ({@link ChunkTagger}).
 * The bytes are a stand-in of the model's size: the cost is per byte. Confined to the calling thread.
 */
final class WorkerStepBytes
{
    private final int bytes;
    private final ChunkTagger tagger;
    private final UnsafeBuffer gradient;
    private final UnsafeBuffer publication;
    private final UnsafeBuffer received;
    private final UnsafeBuffer weights;

    /**
     * @param floats the model's parameters.
     * @param tagger the data plane's chunk tag.
     */
    WorkerStepBytes(final int floats, final ChunkTagger tagger)
    {
        this.bytes = Math.multiplyExact(floats, Float.BYTES);
        this.tagger = tagger;
        this.gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        this.publication = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        this.received = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        this.weights = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
    }

    /** One step's byte work: the gradient out, the weights in. */
    void step()
    {
        tagger.tagAndCopy(gradient, publication, bytes);
        tagger.tagAndCopy(received, weights, bytes);
    }
}
