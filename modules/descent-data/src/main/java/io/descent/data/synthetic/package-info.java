/**
 * Seeded generators of problems with known answers (linear, XOR, teacher network, nonlinear function).
 */
package io.descent.data.synthetic;
