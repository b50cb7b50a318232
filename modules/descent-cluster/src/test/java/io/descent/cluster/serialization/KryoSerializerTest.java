package io.descent.cluster.serialization;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.server.ParameterServer;
import io.descent.cluster.worker.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every control message goes through the Kryo serializer and comes back equal, ActorRefs included. */
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
        final TestProbe<Worker.Command> worker = testKit.createTestProbe();
        final TestProbe<ParameterServer.Command> server = testKit.createTestProbe();
        final List<Object> messages = List.of(
            new ParameterServer.Register(worker.getRef(), "127.0.0.1:40123",
                new JobIdentity(0x1234_5678_9abc_def0L, "10>dense(10,16,tanh)", -77L), "host-a", 4242, 3,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            new ParameterServer.Register(worker.getRef(), "ipc", new JobIdentity(1L, "a", 2L), "host-b", 1, -1, ""),
            new ParameterServer.Ready(3),
            new ParameterServer.Leave(1, "weights timed out"),
            new Worker.Accepted(server.getRef(), 1, 2, "127.0.0.1:40999", 12),
            new Worker.Refused("model fingerprint mismatch"),
            new Worker.Finish(true, "job complete"));
        for (final Object message : messages)
        {
            assertEquals(message, roundTrip(message), message.getClass().getSimpleName());
        }
    }

    @Test
    void shouldCoverEveryRegisteredMessage() throws Exception
    {
        assertEquals(6, ProtocolClasses.MESSAGES.size());
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
        final KryoSerializer serializer = (KryoSerializer)serialization.serializerFor(ParameterServer.Ready.class);
        assertThrows(java.io.NotSerializableException.class, () -> serializer.fromBinary(new byte[1], "no.such.Type"));
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
