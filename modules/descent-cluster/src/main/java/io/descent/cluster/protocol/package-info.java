/**
 * What the parameter server and its workers share, so that neither package names the other: the server's control
 * protocol ({@link io.descent.cluster.protocol.ServerProtocol}, with its replies to workers), the Kryo-bound marker,
 * job identity, worker statistics, the cluster-key proof a registration carries, and the data-plane wire forms and
 * ids (step orders, gradient reports, {@link io.descent.cluster.protocol.SenderId}).
 */
package io.descent.cluster.protocol;
