/**
 * Minibatch plans and copying rows into preallocated ND4J arrays.
 */
package io.descent.data.batch;
