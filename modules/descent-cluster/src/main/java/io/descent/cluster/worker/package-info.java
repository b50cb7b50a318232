/**
 * The worker: protocol actor and ND4J engine on its own thread (shard batches, gradients, pushes).
 */
package io.descent.cluster.worker;
