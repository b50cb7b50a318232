/**
 * CSV files as datasets: header row, numeric features, named target column(s).
 */
package io.descent.data.csv;
