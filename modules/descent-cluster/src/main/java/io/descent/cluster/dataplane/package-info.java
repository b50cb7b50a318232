/**
 * The data plane between nodes: an interface with an in-memory implementation (tests) and an Aeron one (descent-
 * transport), bridging INDArrays to Agrona buffers without copying.
 */
package io.descent.cluster.dataplane;
