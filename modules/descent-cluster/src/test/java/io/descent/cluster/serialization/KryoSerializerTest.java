package io.descent.cluster.serialization;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import io.descent.cluster.protocol.ControlMessage;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.ShardMap;
import io.descent.cluster.protocol.ServerProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every control message goes through the Kryo serializer and comes back equal, ActorRefs included (also a message
 * adapter's, which is what a worker registers with).
 */
class KryoSerializerTest
{
    private static ActorTestKit testKit;

    @BeforeAll
    static void start()
    {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void stop()
    {
        testKit.shutdownTestKit();
    }

    @Test
    void shouldRoundTripEveryControlMessage()
    {
        final TestProbe<ServerProtocol.ToWorker> worker = testKit.createTestProbe();
        final TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
        final ActorRef<ServerProtocol.ToWorker> adapter = messageAdapter();
        final List<Object> messages = List.of(
            new ServerProtocol.Register(worker.getRef(), "127.0.0.1:40123",
                new JobIdentity(0x1234_5678_9abc_def0L, "10>dense(10,16,tanh)", -77L), "host-a", 4242, 3,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            new ServerProtocol.Register(adapter, "ipc", new JobIdentity(1L, "a", 2L), "host-b", 1, -1, ""),
            new ServerProtocol.Register(adapter, "ipc", new JobIdentity(1L, "a", 2L, -5L), "host-b", 1, -1, ""),
            new ServerProtocol.Ready(worker.getRef()),
            new ServerProtocol.Ready(adapter),
            new ServerProtocol.Leave(adapter, "weights timed out"),
            new ServerProtocol.Accepted(server.getRef(), 1, 2, "127.0.0.1:40999", 12, 0x0123_4567_89ab_cdefL),
            new ServerProtocol.Refused("model fingerprint mismatch"),
            new ServerProtocol.Finish(true, "job complete"),
            new ServerProtocol.Accepted(server.getRef(), 0, 2, "ipc", 0, 9L, 0, 0,
                new ShardMap(new long[]{0, 1024, 2000}, new String[]{"127.0.0.1:40998"})),
            new ServerProtocol.RegisterShard(shardAdapter(), 1, 2, "ipc", new JobIdentity(1L, "a", 2L), "host-c", 7,
                "auto", "00ff", "ssp(2)", "threshold(0.01)"),
            new ServerProtocol.Accepted(server.getRef(), 0, 2, "ipc", 0, 9L, 3, 5, ShardMap.SINGLE,
                "chacha20-poly1305"),
            new ServerProtocol.ShardReady(1),
            new ServerProtocol.ShardStopped(1, true, "training diverged"),
            new ServerProtocol.ShardNorm(1, 17L, 0.25),
            new ServerProtocol.GlobalNorm(17L, 3.5e-3),
            new ServerProtocol.ShardStats(1, "host-d", 8, 170, 1.25, 4096, 3, 1, "0-1",
                new io.descent.cluster.dataplane.TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)),
            new ServerProtocol.ShardStats(2, "host-e", 9, 170, 1.5, 2048, 0, 0, "0",
                new io.descent.cluster.dataplane.TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                new io.descent.cluster.protocol.CompressionStats("fp16", 340, 4096, 2048, 1024, 1024, Double.NaN,
                    new io.descent.cluster.protocol.CompressionStats.WeightTraffic("bf16", 18, 8192, 4096))),
            new ServerProtocol.ShardStats(1, "host-f", 10, 54, 0.5, 1024, 0, 0, "0-1",
                new io.descent.cluster.dataplane.TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), null,
                new long[]{ 55, 1, 52 }, new long[]{ 56, 49, 2, 1 }),
            new ServerProtocol.ShardStats(1, "host-g", 11, 54, 0.5, 1024, 0, 0, "0-1",
                new io.descent.cluster.dataplane.TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), null,
                new long[0], new long[0], 7, 9),
            new ServerProtocol.Register(adapter, "ipc", new JobIdentity(1L, "a", 2L), "host-b", 1, -1, "", "none",
                "sync", "bf16"),
            new ServerProtocol.DropRank(2, 41L),
            new ServerProtocol.RankDropped(1, 2, 41L),
            new ServerProtocol.WorkerUnreachable(1, 2, 40L, "NOT_CONNECTED"),
            new ServerProtocol.AdmitRank(2, 48L, "127.0.0.1:40997", 17, 19),
            new ServerProtocol.RankAdmitted(1, 2, 48L));
        for (final Object message : messages)
        {
            assertEquals(message, roundTrip(message), message.getClass().getSimpleName());
        }
        final ServerProtocol.ShardAccepted accepted = (ServerProtocol.ShardAccepted)roundTrip(
            new ServerProtocol.ShardAccepted(server.getRef(), -3L, new long[]{0, 1024, 2000}, "ipc", 42L, "aes-gmac"));
        assertEquals(server.getRef(), accepted.coordinator());
        assertEquals(-3L, accepted.incarnation());
        assertArrayEquals(new long[]{0, 1024, 2000}, accepted.bounds());
        assertEquals("ipc", accepted.coordinatorEndpoint());
        assertEquals(42L, accepted.resumeStep());
        assertEquals("aes-gmac", accepted.dataPlane());
        final ServerProtocol.StepClosedOn closed = (ServerProtocol.StepClosedOn)roundTrip(
            new ServerProtocol.StepClosedOn(41L, new int[]{ 0, 2 }));
        assertEquals(41L, closed.step());
        assertArrayEquals(new int[]{ 0, 2 }, closed.ranks());
        final ServerProtocol.ShardStart start = (ServerProtocol.ShardStart)roundTrip(
            new ServerProtocol.ShardStart(4L, new String[]{"ipc", "127.0.0.1:4000"}));
        assertEquals(4L, start.firstStep());
        assertArrayEquals(new String[]{"ipc", "127.0.0.1:4000"}, start.endpoints());
        final ServerProtocol.ShardStart keyed = (ServerProtocol.ShardStart)roundTrip(new ServerProtocol.ShardStart(5L,
            new String[]{"ipc", "ipc"}, new int[]{-7, 11}, new int[]{3, Integer.MAX_VALUE - 64}, 99));
        assertEquals(-7, keyed.workerSession(0));
        assertEquals(Integer.MAX_VALUE - 64, keyed.serverSession(1));
        assertEquals(99, keyed.rangeSession());
        assertEquals(0, start.workerSession(1), "no sessions: any");
    }

    private ActorRef<ServerProtocol.ToShard> shardAdapter()
    {
        return testKit.createTestProbe(ServerProtocol.ToShard.class).getRef();
    }

    @Test
    void shouldCoverEveryRegisteredMessage() throws Exception
    {
        assertEquals(20, ProtocolClasses.MESSAGES.size());
        for (final Class<?> type : ServerProtocol.class.getDeclaredClasses())
        {
            if (ControlMessage.class.isAssignableFrom(type))
            {
                assertTrue(ProtocolClasses.MESSAGES.contains(type), type.getName() + " is not registered");
            }
        }
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        for (final Class<?> type : ProtocolClasses.MESSAGES)
        {
            assertInstanceOf(KryoSerializer.class, serialization.serializerFor(type), type.getName());
        }
    }

    @Test
    void shouldRejectAnUnknownManifest() throws Exception
    {
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ServerProtocol.Ready.class);
        assertThrows(java.io.NotSerializableException.class, () -> serializer.fromBinary(new byte[1], "no.such.Type"));
    }

    /** Only the registered classes go out: anything else is refused before a byte is written. */
    @Test
    void shouldRefuseToWriteAnUnregisteredClass() throws Exception
    {
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ServerProtocol.Ready.class);
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> serializer.toBinary(new Unregistered("payload")));
        assertTrue(refused.getMessage().contains("not registered"), refused.getMessage());
    }

    /** A manifest naming any class but a control message's is refused, without loading or instantiating it. */
    @Test
    void shouldRefuseToReadAnUnregisteredClass() throws Exception
    {
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ServerProtocol.Ready.class);
        for (final String manifest : List.of(Unregistered.class.getName(), "java.util.HashMap",
            "java.lang.ProcessBuilder", JobIdentity.class.getName()))
        {
            assertThrows(java.io.NotSerializableException.class, () -> serializer.fromBinary(new byte[8], manifest),
                manifest);
        }
    }

    /**
     * A Java-serialized payload gets nowhere: Akka's Java serializer is disabled (as under descent-node.conf), and the
     * same bytes handed to the Kryo serializer as a control message are refused.
     */
    @Test
    void shouldRefuseAJavaSerializedPayload() throws Exception
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes))
        {
            out.writeObject(new java.util.ArrayList<>(List.of("a", "b")));
        }
        final byte[] java = bytes.toByteArray();
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final int javaSerializer = 1;
        assertTrue(serialization.deserialize(java, javaSerializer, "").isFailure(),
            "Akka's Java serialization is off");
        assertThrows(Exception.class, () -> serialization.serialize(new java.util.ArrayList<>(List.of("a"))).get(),
            "nor does anything leave through it");
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ServerProtocol.Ready.class);
        for (final Class<?> type : ProtocolClasses.MESSAGES)
        {
            assertThrows(Exception.class, () -> serializer.fromBinary(java, type.getName()),
                "Java serialization bytes read as " + type.getSimpleName());
        }
    }

    /** A message must use every byte of its payload: appended bytes are refused, not ignored. */
    @Test
    void shouldRefuseAMessageWithBytesLeftOver() throws Exception
    {
        final TestProbe<ServerProtocol.ToWorker> worker = testKit.createTestProbe();
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ServerProtocol.Leave.class);
        final byte[] bytes = serializer.toBinary(new ServerProtocol.Leave(worker.getRef(), "done"));
        assertEquals(new ServerProtocol.Leave(worker.getRef(), "done"),
            serializer.fromBinary(bytes, ServerProtocol.Leave.class.getName()));
        final byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        final java.io.NotSerializableException refused = assertThrows(java.io.NotSerializableException.class,
            () -> serializer.fromBinary(longer, ServerProtocol.Leave.class.getName()));
        assertTrue(refused.getMessage().contains("1 bytes left over"), refused.getMessage());
    }

    /** A record Kryo was never told about. */
    record Unregistered(String text) implements ControlMessage
    {
    }

    /** @return the message adapter of a live actor, as a worker makes it. */
    private static ActorRef<ServerProtocol.ToWorker> messageAdapter()
    {
        final TestProbe<ActorRef<ServerProtocol.ToWorker>> adapters = testKit.createTestProbe();
        testKit.spawn(Behaviors.<Object>setup(context ->
        {
            adapters.getRef().tell(context.messageAdapter(ServerProtocol.ToWorker.class, message -> message));
            return Behaviors.empty();
        }));
        return adapters.receiveMessage(Duration.ofSeconds(10));
    }

    private static Object roundTrip(final Object message)
    {
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final Serializer serializer = serialization.findSerializerFor(message);
        assertInstanceOf(KryoSerializer.class, serializer, message.getClass().getName());
        final byte[] bytes = serializer.toBinary(message);
        final String manifest = Serializers.manifestFor(serializer, message);
        return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    }
}
