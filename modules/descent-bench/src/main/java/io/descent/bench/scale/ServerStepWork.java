package io.descent.bench.scale;

import io.descent.bench.transport.ChunkTagger;
import io.descent.cluster.dataplane.Buffers;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * The parameter server's per-step CPU work of a synchronous step for {@code N} workers on a dense model, without a
 * network ({@link ComputeCeiling}'s server process): for each rank in order, its gradient copied out of a receive
 * buffer into the server's gradient array with the chunk check the data plane's receiver runs on it (the tag of
 * {@link ChunkTagger}), the fold of the gradients into the sum in rank order, each of weight {@code 1/N}, the
 * finiteness check and the optimizer step ({@link ServerUpdate}); then the weight broadcast's per-byte work: the
 * weights copied into one publication per worker and tagged once. Confined to the calling thread.
 */
final class ServerStepWork
{
    private final int bytes;
    private final ChunkTagger tagger;
    private final UnsafeBuffer[] received;
    private final INDArray[] gradients;
    private final UnsafeBuffer[] gradientViews;
    private final UnsafeBuffer[] published;
    private final INDArray parameters;
    private final UnsafeBuffer weights;
    private final ServerUpdate update;

    /**
     * @param floats     the model's parameters.
     * @param maxWorkers the most workers a step is run for.
     * @param tagger     the data plane's chunk tag.
     * @param seed       seeds the gradients the receive buffers hold (small: the updates stay finite).
     */
    ServerStepWork(final int floats, final int maxWorkers, final ChunkTagger tagger, final long seed)
    {
        this.bytes = Math.multiplyExact(floats, Float.BYTES);
        this.tagger = tagger;
        this.received = new UnsafeBuffer[maxWorkers];
        this.gradients = new INDArray[maxWorkers];
        this.gradientViews = new UnsafeBuffer[maxWorkers];
        this.published = new UnsafeBuffer[maxWorkers];
        Nd4j.getRandom().setSeed(seed);
        for (int rank = 0; rank < maxWorkers; rank++)
        {
            gradients[rank] = Nd4j.rand(DataType.FLOAT, floats).subi(0.5).muli(1e-3);
            gradientViews[rank] = Buffers.view(gradients[rank]);
            received[rank] = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
            received[rank].putBytes(0, gradientViews[rank], 0, bytes);
            published[rank] = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        }
        this.parameters = Nd4j.rand(DataType.FLOAT, floats).subi(0.5);
        this.weights = Buffers.view(parameters);
        this.update = new ServerUpdate(parameters);
    }

    /**
     * One step's work for ranks {@code 0..workers-1}.
     *
     * @return false when the folded sum was not finite (then the weights were not updated).
     */
    boolean step(final int workers)
    {
        INDArray sum = null;
        for (int rank = 0; rank < workers; rank++)
        {
            tagger.tagAndCopy(received[rank], gradientViews[rank], bytes);
            sum = ServerUpdate.fold(sum, gradients[rank], 1.0 / workers);
        }
        final boolean applied = update.apply(sum);
        for (int rank = 0; rank < workers; rank++)
        {
            published[rank].putBytes(0, weights, 0, bytes);
        }
        tagger.tag(published[0], bytes);
        return applied;
    }

    /** @return a copy of the weights the steps update. */
    float[] weights()
    {
        return parameters.toFloatVector();
    }

    /** @return a copy of the gradient rank's receive buffer holds (every step copies it out anew). */
    float[] received(final int rank)
    {
        return floats(received[rank]);
    }

    /** @return a copy of the weights published to rank by the last step. */
    float[] published(final int rank)
    {
        return floats(published[rank]);
    }

    private float[] floats(final UnsafeBuffer buffer)
    {
        final float[] values = new float[bytes / Float.BYTES];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = buffer.getFloat(i * Float.BYTES);
        }
        return values;
    }
}
