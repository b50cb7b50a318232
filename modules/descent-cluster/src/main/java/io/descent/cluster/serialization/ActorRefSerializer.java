package io.descent.cluster.serialization;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Writes a typed {@link ActorRef} as its serialization format string ({@link ActorRefResolver}), which carries the
 * node's address, and resolves it on read. Thread-safe (the resolver is).
 */
@SuppressWarnings("rawtypes")
final class ActorRefSerializer extends Serializer<ActorRef>
{
    private final ActorRefResolver resolver;

    ActorRefSerializer(final ActorRefResolver resolver)
    {
        this.resolver = resolver;
    }

    @Override
    public void write(final Kryo kryo, final Output output, final ActorRef ref)
    {
        @SuppressWarnings("unchecked")
        final String path = resolver.toSerializationFormat(ref);
        output.writeString(path);
    }

    @Override
    public ActorRef read(final Kryo kryo, final Input input, final Class<? extends ActorRef> type)
    {
        return resolver.resolveActorRef(input.readString());
    }
}
