package io.descent.cluster.serialization;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;

import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;

/**
 * Akka serializer of every control message ({@link io.descent.cluster.protocol.ControlMessage}) with Kryo. The
 * manifest is the message's class name; Kryo runs with registration required (only the classes of
 * {@link ProtocolClasses} and typed ActorRefs, written through {@link ActorRefResolver}); a payload that does not
 * decode to exactly one message of its manifest's class, every byte used, is refused. Kryo instances are pooled
 * because Akka calls serializers from many threads; the serializer itself is thread-safe.
 */
public final class KryoSerializer extends SerializerWithStringManifest
{
    /** The serializer id (also in reference.conf's serialization-identifiers). */
    public static final int IDENTIFIER = 7301;

    private static final int FIRST_ID = 100;

    private final ExtendedActorSystem system;
    private final Map<String, Class<?>> byManifest = new HashMap<>();
    private final Pool<Kryo> pool;

    /**
     * Called by Akka's serialization extension.
     *
     * @param system the actor system (for resolving ActorRefs).
     */
    public KryoSerializer(final ExtendedActorSystem system)
    {
        this.system = system;
        for (final Class<?> type : ProtocolClasses.MESSAGES)
        {
            byManifest.put(type.getName(), type);
        }
        this.pool = new Pool<>(true, false, 16)
        {
            @Override
            protected Kryo create()
            {
                return newKryo();
            }
        };
    }

    private Kryo newKryo()
    {
        final Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        final ActorRefSerializer refs = new ActorRefSerializer(ActorRefResolver.get(Adapter.toTyped(system)));
        kryo.addDefaultSerializer(ActorRef.class, refs);
        int id = FIRST_ID;
        for (final Class<?> type : ProtocolClasses.MESSAGES)
        {
            kryo.register(type, id++);
        }
        for (final Class<?> type : ProtocolClasses.FIELDS)
        {
            kryo.register(type, id++);
        }
        // Typed refs are adapters over classic refs, local or remote: one concrete class.
        kryo.register(akka.actor.typed.internal.adapter.ActorRefAdapter.class, refs, id);
        return kryo;
    }

    @Override
    public int identifier()
    {
        return IDENTIFIER;
    }

    @Override
    public String manifest(final Object message)
    {
        return message.getClass().getName();
    }

    @Override
    public byte[] toBinary(final Object message)
    {
        final Kryo kryo = pool.obtain();
        try (Output output = new Output(256, 256 * 1024))
        {
            kryo.writeObject(output, message);
            return output.toBytes();
        }
        finally
        {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinary(final byte[] bytes, final String manifest) throws NotSerializableException
    {
        final Class<?> type = byManifest.get(manifest);
        if (null == type)
        {
            throw new NotSerializableException("descent control message of unknown type '" + manifest +
                "': is every node running the same Descent version?");
        }
        final Kryo kryo = pool.obtain();
        try (Input input = new Input(bytes))
        {
            final Object message = kryo.readObject(input, type);
            if (input.position() != bytes.length)
            {
                throw new NotSerializableException(malformed(manifest, bytes) + ": " +
                    (bytes.length - input.position()) + " bytes left over");
            }
            return message;
        }
        catch (final KryoException | IllegalArgumentException | IndexOutOfBoundsException ex)
        {
            final NotSerializableException refused = new NotSerializableException(malformed(manifest, bytes) + ": " +
                ex.getMessage());
            refused.initCause(ex);
            throw refused;
        }
        finally
        {
            pool.free(kryo);
        }
    }

    private static String malformed(final String manifest, final byte[] bytes)
    {
        return "malformed descent control message (" + bytes.length + " bytes as " + manifest + ")";
    }
}
