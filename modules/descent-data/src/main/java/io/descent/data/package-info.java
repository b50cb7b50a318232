/**
 * Datasets in memory (Dataset, Task) and the loader that turns data settings into scaled train, validation and test splits.
 */
package io.descent.data;
