/**
 * The parameter server: protocol actor, ND4J engine on its own thread, step barrier, roster of workers, books and
 * results.
 */
package io.descent.cluster.server;
