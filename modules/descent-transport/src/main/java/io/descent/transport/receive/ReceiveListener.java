package io.descent.transport.receive;

/**
 * Told when an expected message is complete or has missed its deadline. Called on the thread that polls the
 * {@link BufferReceiver} (its agent thread); keep it short: record the outcome, signal another thread, re-arm the
 * slot. Exactly one of the two methods is called once per registration, unless the slot is cancelled first
 * ({@link BufferReceiver#cancel(SlotCancel)}): then neither is.
 */
public interface ReceiveListener
{
    /**
     * Every chunk arrived and verified: the slot's destination holds the whole message.
     *
     * @param slot the completed slot ({@link ReceiveSlot.State#COMPLETE}); may be re-armed and registered again.
     */
    void onComplete(ReceiveSlot slot);

    /**
     * The deadline passed first. The destination may hold some verified chunks but must not be used as a message.
     *
     * @param slot the failed slot ({@link ReceiveSlot.State#INCOMPLETE}); {@link ReceiveSlot#missingChunks(int[])}
     *             and {@link ReceiveSlot#describeMissing()} say what never arrived. May be re-armed.
     */
    void onIncomplete(ReceiveSlot slot);
}
