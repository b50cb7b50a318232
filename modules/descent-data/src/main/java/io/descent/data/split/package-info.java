/**
 * Seeded train/validation and train/test splits.
 */
package io.descent.data.split;
