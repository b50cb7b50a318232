/**
 * Feature scaling fitted on the training split only.
 */
package io.descent.data.scale;
