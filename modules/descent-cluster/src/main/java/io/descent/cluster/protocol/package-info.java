/**
 * What crosses node boundaries on the control plane besides the actors' own messages: the Kryo-bound marker, job
 * identity, worker statistics, and the cluster-key proof a registration carries.
 */
package io.descent.cluster.protocol;
