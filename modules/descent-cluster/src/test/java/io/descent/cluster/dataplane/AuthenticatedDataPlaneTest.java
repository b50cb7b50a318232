package io.descent.cluster.dataplane;

import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron data plane with a cluster key, from the hostile side, as the parameter server and a worker set it up
 * (key derived from the cluster key and the server's incarnation, the worker bound to the session the server handed
 * out): a gradient arrives bitwise as sent while an intruder with the key but no registration, a node of an earlier
 * incarnation and an outsider with a guessed key send the same message; each is dropped and counted by reason.
 */
class AuthenticatedDataPlaneTest
{
    private static final int FLOATS = 50_000;
    private static final long INCARNATION = 0x5eed_0000_0000_0001L;
    private static final ClusterKey KEY = ClusterKey.parse("0123456789abcdef0123456789abcdef", "test");
    private static final int RANK = 1;
    private static final int SESSION = 424_242;
    /** Chunks of one gradient over IPC: the largest chunk that fits a 65504-byte frame is 65344 bytes. */
    private static final long CHUNKS = (FLOATS * Float.BYTES + 65_344 - 1) / 65_344;

    @RegisterExtension
    static final EmbeddedTransport TRANSPORT = new EmbeddedTransport("descent-auth-test-");

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldDeliverTheWorkersGradientAndCountEveryAttack(final ChunkAuth auth)
    {
        final DataKey key = KEY.dataPlaneKey(INCARNATION, DataPlaneAuth.KEY_LABEL);
        final DataKey earlier = KEY.dataPlaneKey(INCARNATION - 1, DataPlaneAuth.KEY_LABEL);
        final DataKey guessed = ClusterKey.parse("not the cluster key but long", "guess")
            .dataPlaneKey(INCARNATION, DataPlaneAuth.KEY_LABEL);
        try (AeronDataPlane server = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
             AeronDataPlane worker = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
             AeronDataPlane intruder = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
             AeronDataPlane stale = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
             AeronDataPlane outsider = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true))
        {
            server.authenticate(auth, key);
            server.bindSender(RANK, SESSION);
            worker.authenticate(auth, key);
            intruder.authenticate(auth, key);
            stale.authenticate(auth, earlier);
            outsider.authenticate(auth, guessed);
            assertEquals(auth, server.auth());

            final UnsafeBuffer gradient = random(1);
            final UnsafeBuffer received = new UnsafeBuffer(ByteBuffer.allocateDirect(FLOATS * Float.BYTES));
            final AtomicInteger complete = new AtomicInteger();
            final MessageId id = new MessageId(INCARNATION ^ 77L, 5L, MessageKind.GRADIENT, 3, RANK, 0, FLOATS);
            server.expect(id, received, deadline(), (arrived, ok) -> complete.addAndGet(ok ? 1 : 100));

            try (Outlet fromIntruder = intruder.outlet(server.endpoint());
                 Outlet fromStale = stale.outlet(server.endpoint(), SESSION + 1);
                 Outlet fromOutsider = outsider.outlet(server.endpoint());
                 Outlet fromWorker = worker.outlet(server.endpoint(), SESSION))
            {
                assertEquals(SESSION, fromWorker.sessionId());
                // Each attack carries the gradient's identity with other bytes, and comes before the real one.
                final UnsafeBuffer poison = random(2);
                assertEquals(SendResult.SENT, fromIntruder.send(id, poison, deadline()));
                assertEquals(SendResult.SENT, fromStale.send(id, poison, deadline()));
                assertEquals(SendResult.SENT, fromOutsider.send(id, poison, deadline()));
                assertEquals(SendResult.SENT, fromWorker.send(id, gradient, deadline()));
                assertTrue(server.await(() -> complete.get() > 0, deadline()), "the gradient arrived");
                assertTrue(server.await(() -> server.stats().rejectedUnknownSession() >= 2 * CHUNKS &&
                    server.stats().rejectedReplay() >= CHUNKS, deadline()), "attacks counted: " + server.stats());
            }

            assertEquals(1, complete.get(), "complete, once");
            assertEquals(0, received.compareTo(gradient), "the gradient is bitwise the worker's");
            final TransportStats stats = server.stats();
            assertEquals(CHUNKS, stats.rejectedReplay(), "the earlier incarnation's chunks: " + stats);
            assertEquals(2 * CHUNKS, stats.rejectedUnknownSession(),
                "the intruder's and outsider's chunks came on sessions bound to nobody: " + stats);
            assertEquals(0, stats.rejectedBadMac());
            assertEquals(0, stats.crcFailures());
        }
    }

    private static UnsafeBuffer random(final long seed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FLOATS * Float.BYTES));
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < FLOATS; i++)
        {
            buffer.putFloat(i * Float.BYTES, (float)random.nextGaussian());
        }
        return buffer;
    }

    private static long deadline()
    {
        return System.nanoTime() + 20_000_000_000L;
    }
}
