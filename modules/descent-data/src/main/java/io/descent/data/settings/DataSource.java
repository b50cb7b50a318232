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
    SYNTHETIC,

    /**
     * A binary shard set written by {@code descent data shard|generate} ({@code data.shards}), streamed from disk.
     */
    SHARDS
}
