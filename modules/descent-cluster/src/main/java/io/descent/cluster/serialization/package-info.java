/**
 * The Kryo serializer of every control message (Akka SerializerWithStringManifest); Java serialization is off.
 */
package io.descent.cluster.serialization;
