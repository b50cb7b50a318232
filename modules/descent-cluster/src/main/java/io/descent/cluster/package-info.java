/**
 * Distributed data-parallel training: an Akka Cluster parameter server and workers running synchronous averaged
 * SGD, with dense buffers on an Aeron data plane. Settings: {@link io.descent.cluster.ClusterSettings}
 * (descent.cluster).
 */
package io.descent.cluster;
