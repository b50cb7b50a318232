package io.descent.bench.scale;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    /**
     * @param items the runs of one round, in their first order (e.g. every settings × count of a sweep).
     * @param round the round, from 0.
     * @return them in the order round {@code round} runs them (a new list).
     */
    static <T> List<T> of(final List<T> items, final int round)
    {
        final List<T> order = new ArrayList<>(items);
        if (round % 2 == 1)
        {
            Collections.reverse(order);
        }
        return order;
    }
}
