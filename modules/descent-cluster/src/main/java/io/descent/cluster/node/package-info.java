/**
 * One cluster node in a JVM: media driver, data plane, Akka Cluster actor system and joining.
 */
package io.descent.cluster.node;
