/**
 * Atomic checkpoints of the parameter server: Kryo metadata plus raw float32 buffers.
 */
package io.descent.cluster.checkpoint;
