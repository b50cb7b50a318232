package io.descent.data;

import java.util.Objects;

/**
 * Two datasets that belong together, e.g. a train split and a test (or validation) split.
 *
 * @param first  the first dataset, usually the training split.
 * @param second the second dataset, usually the held-out split.
 */
public record DatasetPair(Dataset first, Dataset second)
{
    /**
     * @param first  the first dataset, usually the training split.
     * @param second the second dataset, usually the held-out split.
     */
    public DatasetPair
    {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    /**
     * @return the first dataset under its usual name.
     */
    public Dataset train()
    {
        return first;
    }

    /**
     * @return the second dataset when it is a test split.
     */
    public Dataset test()
    {
        return second;
    }

    /**
     * @return the second dataset when it is a validation split.
     */
    public Dataset validation()
    {
        return second;
    }
}
