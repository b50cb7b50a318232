package io.descent.data.settings;

/**
 * Where a job's examples come from ({@code data.source}).
 */
public enum DataSource
{
    /**
     * The Fashion-MNIST IDX files in {@code data.dir}.
     */
    FASHION_MNIST,

    /**
     * A CSV file ({@code data.csv}).
     */
    CSV,

    /**
     * A seeded generator ({@code data.synthetic}).
     */
    SYNTHETIC
}
