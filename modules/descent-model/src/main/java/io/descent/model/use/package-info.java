/** Using a saved model: test metrics on a data source, predictions for raw CSV rows. */
package io.descent.model.use;
