package io.descent.data.batch;

import io.descent.nn.error.BadInputException;

/**
 * How {@code count} rows are cut into minibatches of {@code batchSize}: batch {@code b} covers positions
 * {@code [from(b), from(b) + size(b))}. The last, partial batch is included unless dropped. Immutable.
 */
public final class BatchPlan
{
    private final int count;
    private final int batchSize;
    private final int numBatches;

    /**
     * @param count     number of rows to cover, ≥ 0.
     * @param batchSize rows per batch, ≥ 1.
     * @param dropLast  whether to drop a last batch smaller than {@code batchSize}.
     * @throws BadInputException if {@code batchSize < 1}.
     */
    public BatchPlan(final int count, final int batchSize, final boolean dropLast)
    {
        if (batchSize < 1)
        {
            throw new BadInputException("batch size " + batchSize + " must be >= 1; set train.batch-size");
        }
        if (count < 0)
        {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        this.count = count;
        this.batchSize = batchSize;
        this.numBatches = dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;
    }

    /**
     * @return number of batches.
     */
    public int numBatches()
    {
        return numBatches;
    }

    /**
     * @param batch batch number in {@code 0..numBatches-1}.
     * @return first position of the batch.
     */
    public int from(final int batch)
    {
        checkBatch(batch);
        return batch * batchSize;
    }

    /**
     * @param batch batch number in {@code 0..numBatches-1}.
     * @return rows in the batch: {@code batchSize}, or fewer for a partial last batch.
     */
    public int size(final int batch)
    {
        checkBatch(batch);
        return Math.min(batchSize, count - batch * batchSize);
    }

    /**
     * @return rows covered by all batches (less than {@code count} when a partial batch was dropped).
     */
    public int coveredRows()
    {
        return Math.min(count, numBatches * batchSize);
    }

    /**
     * @return the nominal batch size.
     */
    public int batchSize()
    {
        return batchSize;
    }

    private void checkBatch(final int batch)
    {
        if (batch < 0 || batch >= numBatches)
        {
            throw new IndexOutOfBoundsException("batch " + batch + " not in 0.." + (numBatches - 1));
        }
    }
}
