package io.descent.cluster.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the parameter server is in its step cycle: the barrier of the step collecting gradients, how many of them
 * were handed to the compute thread's sum, whether that step is being applied, and the arrivals of the next step
 * that came before its barrier opened (its orders go out with the weights, before the server has seen them go).
 * Actor-confined.
 */
final class StepCycle
{
    private final List<ParameterServer.Command> early = new ArrayList<>();
    private StepBarrier barrier;
    private boolean applying;
    private int folded;
    private long publishing = -1;

    /** The first step's weights and orders are going out: its arrivals are held until its barrier opens. */
    void publishing(final long step)
    {
        publishing = step;
    }

    /**
     * Opens the barrier of the next step.
     *
     * @return the arrivals held for its step, to replay in order.
     */
    List<ParameterServer.Command> open(final StepBarrier next)
    {
        barrier = next;
        applying = false;
        folded = 0;
        publishing = -1;
        final List<ParameterServer.Command> replay = new ArrayList<>(early);
        early.clear();
        return replay;
    }

    /**
     * @return true, keeping the arrival for {@link #open}, when it belongs to a step whose orders went out but whose
     * barrier is not open yet: the next step while this one is applied, or the first step while it is published.
     */
    boolean holdEarly(final long step, final ParameterServer.Command arrival)
    {
        final boolean held = null == barrier ? step == publishing : applying && step == barrier.step() + 1;
        if (held)
        {
            early.add(arrival);
        }
        return held;
    }

    /** @return the barrier collecting gradients, or null when none is (not open yet, being applied, job done). */
    StepBarrier collecting()
    {
        return null != barrier && !applying ? barrier : null;
    }

    /** @return the barrier collecting the gradients of {@code step}, or null when that step is not collecting. */
    StepBarrier collecting(final long step)
    {
        final StepBarrier open = collecting();
        return null != open && open.step() == step ? open : null;
    }

    /** Counts one more gradient handed to the sum; @return true for the step's first. */
    boolean foldFirst()
    {
        return folded++ == 0;
    }

    /** The collecting step is complete and goes to the compute thread. */
    void applying()
    {
        applying = true;
    }

    /** The last step was applied: nothing collects any more. */
    void finish()
    {
        barrier = null;
    }

    /**
     * @param ledgerStep the ledger's next step (used before the first barrier opens).
     * @return the first step whose orders are not yet decided: where a joining worker can start.
     */
    long nextOrderStep(final long ledgerStep)
    {
        return null == barrier ? ledgerStep : barrier.step() + (applying ? 2 : 1);
    }
}
