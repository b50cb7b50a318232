package io.descent.transport;

import io.descent.transport.receive.ReceiveListener;
import io.descent.transport.receive.ReceiveSlot;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A listener that records outcomes, for tests. Thread-safe. */
public final class Recorder implements ReceiveListener
{
    public final Queue<ReceiveSlot> completed = new ConcurrentLinkedQueue<>();
    public final Queue<ReceiveSlot> incomplete = new ConcurrentLinkedQueue<>();
    public final Queue<String> missing = new ConcurrentLinkedQueue<>();

    @Override
    public void onComplete(final ReceiveSlot slot)
    {
        completed.add(slot);
    }

    @Override
    public void onIncomplete(final ReceiveSlot slot)
    {
        missing.add(slot.describeMissing());
        incomplete.add(slot);
    }

    /** @return completed plus incomplete outcomes so far. */
    public int outcomes()
    {
        return completed.size() + incomplete.size();
    }
}
