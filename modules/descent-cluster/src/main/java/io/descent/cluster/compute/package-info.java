/**
 * The dedicated threads ND4J work runs on (never Akka's dispatcher).
 */
package io.descent.cluster.compute;
