/**
 * What crosses node boundaries on the control plane besides the actors' own messages: the Kryo-bound marker, job
 * identity, worker statistics.
 */
package io.descent.cluster.protocol;
