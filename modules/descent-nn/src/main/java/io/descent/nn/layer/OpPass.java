package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;

/**
 * A layer pass that is one bound ND4J op forward and, when the layer has an input gradient, one bound op backward
 * ({@link MaxPoolOpsPass}, {@link FlattenLayer}'s permutes). Closing it closes both ops. Not thread-safe: the
 * model's, on its thread.
 */
class OpPass implements LayerPass
{
    private final BoundOp forward;
    private final BoundOp backward;

    /**
     * @param forward  the forward op, run by {@link #forward}.
     * @param backward the backward op, or null: {@link #backward} then does nothing (no input gradient).
     */
    OpPass(final BoundOp forward, final BoundOp backward)
    {
        this.forward = forward;
        this.backward = backward;
    }

    @Override
    public final void forward(final boolean training)
    {
        forward.run();
    }

    @Override
    public final void backward(final boolean deltaIsPreActivation)
    {
        if (null != backward)
        {
            backward.run();
        }
    }

    @Override
    public final void close()
    {
        forward.close();
        if (null != backward)
        {
            backward.close();
        }
    }
}
