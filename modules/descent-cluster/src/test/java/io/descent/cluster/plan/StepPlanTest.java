package io.descent.cluster.plan;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step schedule: equal steps per shard from the smallest shard, a smaller last batch, disjoint rows. */
class StepPlanTest
{
    @Test
    void shouldDeriveStepsFromTheSmallestShard()
    {
        final StepPlan plan = new StepPlan(1003, 3, 50, 2, 9);
        assertEquals(7, plan.stepsPerEpoch(), "334 rows per shard in batches of 50");
        assertEquals(14, plan.totalSteps());
        assertEquals(50, plan.batchRows(0));
        assertEquals(34, plan.batchRows(6));
        assertEquals(1, plan.epochOf(6));
        assertEquals(2, plan.epochOf(7));
        assertEquals(0, plan.batchOf(7));
        assertTrue(plan.endsEpoch(13));
        assertFalse(plan.endsEpoch(12));
    }

    @Test
    void shouldVisitDisjointRowsInEveryStep()
    {
        final StepPlan plan = new StepPlan(1003, 3, 50, 1, 9);
        final Set<Integer> seen = new HashSet<>();
        for (int batch = 0; batch < plan.stepsPerEpoch(); batch++)
        {
            for (int shard = 0; shard < 3; shard++)
            {
                final int[] order = plan.shard(shard).indices(1);
                Arrays.stream(order, plan.batchStart(batch), plan.batchStart(batch) + plan.batchRows(batch))
                    .forEach(row -> assertTrue(seen.add(row), "row " + row + " visited twice"));
            }
        }
        assertEquals(3 * 334, seen.size(), "one row of the largest shard is left out of the epoch");
    }

    @Test
    void shouldRejectFewerRowsThanShards()
    {
        assertThrows(IllegalArgumentException.class, () -> new StepPlan(2, 3, 1, 1, 0));
    }
}
