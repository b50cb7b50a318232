package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Several senders (as N workers) interleave into one receiver (as the server); each message lands in its own slot. */
class MultiSenderTest
{
    private static final int WORKERS = 3;
    private static final int STEPS = 4;
    private static final int SIZE = 3 * 1024 * 1024 + 44;

    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("");

    @ParameterizedTest
    @EnumSource(Link.Medium.class)
    void shouldAssembleInterleavedMessagesFromSeveralSendersIntoTheirOwnDestinations(final Link.Medium medium)
        throws Exception
    {
        final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try (Link link = new Link(TRANSPORT.transport(), medium, true))
        {
            final List<BufferSender> senders = new ArrayList<>();
            final UnsafeBuffer[][] sources = new UnsafeBuffer[WORKERS][STEPS];
            final UnsafeBuffer[][] destinations = new UnsafeBuffer[WORKERS][STEPS];
            final ReceiveSlot[][] slots = new ReceiveSlot[WORKERS][STEPS];
            for (int rank = 0; rank < WORKERS; rank++)
            {
                senders.add(link.newSender());
                for (int step = 0; step < STEPS; step++)
                {
                    sources[rank][step] = Payloads.random(SIZE, rank * 100L + step);
                    destinations[rank][step] = Payloads.filled(SIZE, (byte)0);
                    slots[rank][step] = new ReceiveSlot()
                        .expect(id(rank, step), destinations[rank][step], 0, SIZE, System.nanoTime() + 60_000_000_000L);
                    link.receiver.register(slots[rank][step]);
                }
            }

            final List<Future<SendResult>> results = new ArrayList<>();
            for (int rank = 0; rank < WORKERS; rank++)
            {
                final int r = rank;
                results.add(workers.submit(() ->
                {
                    SendResult last = SendResult.SENT;
                    for (int step = 0; step < STEPS && last.isSent(); step++)
                    {
                        last = senders.get(r).send(id(r, step), sources[r][step], 0, SIZE,
                            System.nanoTime() + 60_000_000_000L);
                    }
                    return last;
                }));
            }
            for (final Future<SendResult> result : results)
            {
                assertEquals(SendResult.SENT, result.get());
            }
            link.awaitOutcomes(WORKERS * STEPS, Duration.ofSeconds(60));

            assertEquals(WORKERS * STEPS, link.recorder.completed.size(), () -> link.recorder.missing.toString());
            for (int rank = 0; rank < WORKERS; rank++)
            {
                for (int step = 0; step < STEPS; step++)
                {
                    assertEquals(-1L, Payloads.mismatch(sources[rank][step], 0, destinations[rank][step], 0, SIZE),
                        "worker " + rank + " step " + step);
                }
            }
        }
        finally
        {
            workers.shutdownNow();
        }
    }

    private static MessageId id(final int rank, final int step)
    {
        return new MessageId(3L, 4L, MessageKind.GRADIENT, step, rank, 0, SIZE / 4);
    }
}
