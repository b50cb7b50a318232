package io.descent.cluster.dataplane;

import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.codec.HalfDecoder;
import io.descent.transport.codec.HalfEncoder;
import io.descent.transport.codec.HalfFloats;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron data plane checks a peer's endpoint before it opens an outlet to it, and cancels the expected messages of
 * one sender (polled inline or by its agent thread): the cancelled ones are never told or written, and count as late
 * when they come. An fp16 gradient crosses real Aeron UDP and decodes into a sum; one encoded otherwise than
 * expected is dropped and counted.
 */
class AeronDataPlaneTest
{
    private static final int FLOATS = 1024;

    @RegisterExtension
    static final EmbeddedTransport TRANSPORT = new EmbeddedTransport("descent-plane-test-");

    @Test
    void shouldAcceptOnlyEndpointsItCanOpenAnOutletTo()
    {
        try (AeronDataPlane udp = new AeronDataPlane(TRANSPORT.transport(), "127.0.0.1:0", 7100, true);
             AeronDataPlane ipc = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true))
        {
            for (final String good : List.of("127.0.0.1:4000", "localhost:65535", "[::1]:1", udp.endpoint()))
            {
                assertNull(udp.validate(good), good);
                assertNull(ipc.validate(good), good);
            }
            assertNull(ipc.validate("ipc:123"));
            assertNull(ipc.validate(ipc.endpoint()));
            assertEquals("the data-plane endpoint 'ipc:123' (the worker's --aeron) is Aeron IPC, but this parameter " +
                "server receives over UDP and shares no media driver with it; start the worker with --aeron " +
                "HOST:PORT, or both with --aeron ipc on one host's shared driver", udp.validate("ipc:123"));
            for (final AeronDataPlane plane : List.of(udp, ipc))
            {
                assertEquals("the data-plane endpoint 'ipc:abc' (the worker's --aeron) is not valid: the IPC stream " +
                    "must be an integer, as in ipc:1234", plane.validate("ipc:abc"));
                assertEquals("the data-plane endpoint 'worker-0' (the worker's --aeron) is not valid: it must be " +
                    "HOST:PORT or ipc:STREAM", plane.validate("worker-0"));
                for (final String port : List.of("h:0", "h:65536", "h:x", "h:"))
                {
                    assertEquals("the data-plane endpoint '" + port + "' (the worker's --aeron) is not valid: the " +
                        "port must be a number in 1..65535", plane.validate(port));
                }
                assertEquals("the data-plane endpoint 'no-such-host.invalid:4000' (the worker's --aeron) cannot be " +
                    "reached: host 'no-such-host.invalid' does not resolve; give the worker an address this " +
                    "parameter server can resolve", plane.validate("no-such-host.invalid:4000"));
                assertTrue(plane.validate(" ").startsWith("no data-plane endpoint given"));
                assertTrue(plane.validate(null).startsWith("no data-plane endpoint given"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldCancelTheExpectedMessagesOfOneSender(final boolean inline)
    {
        try (AeronDataPlane plane = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, inline);
             AeronDataPlane peer = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
             Outlet outlet = peer.outlet(plane.endpoint()))
        {
            final Queue<String> told = new ConcurrentLinkedQueue<>();
            final UnsafeBuffer dropped = buffer();
            final UnsafeBuffer kept = buffer();
            plane.expect(id(1, 4), dropped, deadline(), (id, complete) -> told.add(id.senderId() + ":" + complete));
            plane.expect(id(1, 5), buffer(), deadline(), (id, complete) -> told.add(id.senderId() + ":" + complete));
            plane.expect(id(2, 4), kept, deadline(), (id, complete) -> told.add(id.senderId() + ":" + complete));

            assertEquals(2, plane.cancelFrom(1));
            assertEquals(0, plane.cancelFrom(1), "nothing left of sender 1");
            final UnsafeBuffer payload = buffer();
            payload.setMemory(0, payload.capacity(), (byte)7);
            assertEquals(SendResult.SENT, outlet.send(id(1, 4), payload, deadline()));
            assertEquals(SendResult.SENT, outlet.send(id(2, 4), payload, deadline()));

            assertTrue(plane.await(() -> told.contains("2:true"), deadline()), "sender 2 delivered");
            assertEquals(List.of("2:true"), List.copyOf(told), "the cancelled expectations are never told");
            assertEquals(1, plane.stats().lateMessages(), "sender 1's message came after its cancel: late");
            assertEquals(1, plane.staleMessages(MessageKind.GRADIENT));
            assertEquals(0, plane.stats().rejectedUnexpected());
            assertEquals(0, plane.stats().incompleteMessages());
            assertEquals(0L, dropped.getLong(0), "nothing written into a cancelled destination");
            assertEquals(0x0707070707070707L, kept.getLong(0));
        }
    }

    @Test
    void shouldCarryAnFp16GradientIntoTheSumAndDropOneEncodedOtherwise()
    {
        try (AeronDataPlane plane = new AeronDataPlane(TRANSPORT.transport(), "127.0.0.1:0", 7100, true);
             AeronDataPlane peer = new AeronDataPlane(TRANSPORT.transport(), "127.0.0.1:0", 7100, true);
             Outlet outlet = peer.outlet(plane.endpoint()))
        {
            final UnsafeBuffer gradient = buffer();
            for (int i = 0; i < FLOATS; i++)
            {
                gradient.putFloat(i * Float.BYTES, (i - 512) * 0.001f, ByteOrder.LITTLE_ENDIAN);
            }
            final GradientEncoder encoder = new HalfEncoder(Compression.FP16, FLOATS);
            final UnsafeBuffer encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
            final int bytes = encoder.encode(gradient, 0, encoded);
            final MessageId fp16 = id(1, 4).withCompression(Compression.FP16);
            final UnsafeBuffer landed = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
            final int[] told = { -2 };
            plane.expect(fp16, landed, deadline(), new DataPlane.Arrival()
            {
                @Override
                public void onArrival(final MessageId id, final boolean complete)
                {
                    throw new AssertionError("the plane tells the length");
                }

                @Override
                public void onArrival(final MessageId id, final boolean complete, final int length)
                {
                    told[0] = complete ? length : -1;
                }
            });
            // The same step as float32 first: expected as fp16, so dropped and counted, never written.
            assertEquals(SendResult.SENT, outlet.send(id(1, 4), gradient, deadline()));
            assertTrue(plane.await(() -> plane.stats().rejectedEncoding() > 0, deadline()), "float32 rejected");
            assertEquals(-2, told[0], "not delivered");
            assertEquals(SendResult.SENT, outlet.send(fp16, encoded, bytes, deadline()));
            assertTrue(plane.await(() -> told[0] != -2, deadline()), "fp16 delivered");
            assertEquals(FLOATS * 2, told[0]);

            final UnsafeBuffer sum = buffer();
            assertTrue(new HalfDecoder(Compression.FP16).accumulate(landed, told[0], sum, FLOATS, 0.5f, true));
            for (int i = 0; i < FLOATS; i++)
            {
                final float value = gradient.getFloat(i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
                assertEquals(0.5f * HalfFloats.fromFp16(HalfFloats.toFp16(value)),
                    sum.getFloat(i * Float.BYTES, ByteOrder.LITTLE_ENDIAN), 0.0f, "value " + i);
            }
            assertTrue(plane.stats().rejectedEncoding() > 0);
            assertEquals(0, plane.stats().rejectedUnexpected());
        }
    }

    private static MessageId id(final int sender, final long step)
    {
        return new MessageId(9L, 11L, MessageKind.GRADIENT, step, sender, 0, FLOATS);
    }

    private static UnsafeBuffer buffer()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(FLOATS * Float.BYTES));
    }

    private static long deadline()
    {
        return System.nanoTime() + 10_000_000_000L;
    }
}
