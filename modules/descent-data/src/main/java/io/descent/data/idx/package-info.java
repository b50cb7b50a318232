/**
 * Readers of the IDX format (MNIST family) and the Fashion-MNIST dataset.
 */
package io.descent.data.idx;
