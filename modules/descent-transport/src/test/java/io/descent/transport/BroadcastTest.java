package io.descent.transport;

import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One message to several receivers (weight broadcast): UDP multi-destination-cast, and IPC fan-out. */
class BroadcastTest
{
    private static final int RECEIVERS = 2;
    private static final int SIZE = 5 * 1024 * 1024 + 8;
    private static final MessageId WEIGHTS = new MessageId(9L, 9L, MessageKind.WEIGHTS, 1L, 0, 0, SIZE / 4);

    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("");

    @Test
    void shouldDeliverOneUdpBroadcastToEveryDestination()
    {
        final List<String> endpoints = new ArrayList<>();
        final List<Runnable> closers = new ArrayList<>();
        final List<ReceiveSlot> slots = new ArrayList<>();
        final List<UnsafeBuffer> destinations = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++)
        {
            final Transport transport = TRANSPORT.transport();
            final BufferReceiver receiver =
                transport.newReceiver(transport.channels().udp("127.0.0.1:0"), 501, new Recorder());
            final String[] resolved = new String[1];
            TestTransports.await(() -> null != (resolved[0] = receiver.resolvedChannel()), Duration.ofSeconds(10), "port");
            endpoints.add(Channels.endpointOf(resolved[0]));
            register(receiver, slots, destinations);
            final AgentRunner agent = TRANSPORT.transport().startAgent(receiver);
            closers.add(agent::close);
        }
        try (BufferSender sender = TRANSPORT.transport().newBroadcastSender(endpoints, 501))
        {
            sendAndVerify(sender, slots, destinations);
        }
        finally
        {
            closers.forEach(Runnable::run);
        }
    }

    @Test
    void shouldDeliverOneIpcPublicationToEverySubscriber()
    {
        final List<AgentRunner> agents = new ArrayList<>();
        final List<ReceiveSlot> slots = new ArrayList<>();
        final List<UnsafeBuffer> destinations = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++)
        {
            final Transport transport = TRANSPORT.transport();
            final BufferReceiver receiver = transport.newReceiver(transport.channels().ipc(), 502, new Recorder());
            register(receiver, slots, destinations);
            agents.add(TRANSPORT.transport().startAgent(receiver));
        }
        try (BufferSender sender = TRANSPORT.transport().newSender(TRANSPORT.transport().channels().ipc(), 502))
        {
            sendAndVerify(sender, slots, destinations);
        }
        finally
        {
            CloseHelper.closeAll(agents);
        }
    }

    private static void register(
        final BufferReceiver receiver, final List<ReceiveSlot> slots, final List<UnsafeBuffer> destinations)
    {
        final UnsafeBuffer destination = Payloads.filled(SIZE, (byte)0);
        final ReceiveSlot slot = new ReceiveSlot().expect(WEIGHTS, destination, 0, SIZE, System.nanoTime() + 60_000_000_000L);
        receiver.register(slot);
        slots.add(slot);
        destinations.add(destination);
    }

    private static void sendAndVerify(
        final BufferSender sender, final List<ReceiveSlot> slots, final List<UnsafeBuffer> destinations)
    {
        final UnsafeBuffer source = Payloads.random(SIZE, 77);
        // A broadcast waits for every receiver to connect, else the first would get the message alone.
        TestTransports.await(sender::isConnected, Duration.ofSeconds(10), "receivers to connect");

        assertEquals(SendResult.SENT, sender.send(WEIGHTS, source, 0, SIZE, System.nanoTime() + 60_000_000_000L));

        for (int i = 0; i < slots.size(); i++)
        {
            final ReceiveSlot slot = slots.get(i);
            TestTransports.await(() -> slot.state() == ReceiveSlot.State.COMPLETE ||
                slot.state() == ReceiveSlot.State.INCOMPLETE, Duration.ofSeconds(60), "receiver " + slot);
            assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), slot::describeMissing);
            assertEquals(-1L, Payloads.mismatch(source, 0, destinations.get(i), 0, SIZE));
        }
    }
}
