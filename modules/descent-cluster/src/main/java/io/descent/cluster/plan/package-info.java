/**
 * The step schedule of a synchronous job: shards, batches, epochs.
 */
package io.descent.cluster.plan;
