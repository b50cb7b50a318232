package io.descent.bench.scale;

/**
 * The order in which one round of a repeated measurement runs the worker counts: increasing in even rounds,
 * decreasing in odd ones (1,2 then 2,1 then 1,2 …). Over pairs of rounds every count runs as often first as last, so
 * neither a drift of the host nor an effect of running after another count (seen here: in three rounds of two
 * identical configurations run in a fixed order, the second was faster every time) favours one count. Stateless.
 */
final class RunOrder
{
    private RunOrder()
    {
    }

    /**
     * @param counts worker counts, increasing.
     * @param round  the round, from 0.
     * @return the counts in the order round {@code round} runs them (a new array).
     */
    static int[] of(final int[] counts, final int round)
    {
        final int[] order = counts.clone();
        if (round % 2 == 1)
        {
            for (int i = 0, j = order.length - 1; i < j; i++, j--)
            {
                final int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
        return order;
    }
}
