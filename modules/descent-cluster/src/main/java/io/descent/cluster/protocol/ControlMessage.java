package io.descent.cluster.protocol;

/**
 * Marker of every message that may cross a node boundary. Akka binds it to the Kryo serializer
 * ({@code reference.conf}); Java serialization is off. Messages that only an actor sends to itself do not implement
 * it and so can never leave the JVM.
 */
public interface ControlMessage
{
}
