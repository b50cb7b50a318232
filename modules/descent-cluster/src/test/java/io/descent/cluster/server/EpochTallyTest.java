package io.descent.cluster.server;

import io.descent.cluster.plan.StepPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An epoch's totals are summed over its steps, closed at its last step, and carried into a checkpoint mid-epoch. */
class EpochTallyTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldCloseEpochsAtTheLastStepOfThePlan()
    {
        // 100 rows over 2 workers: 50 rows per shard in batches of 15 → 4 steps per epoch.
        assertEquals(List.of(3L, 7L, 11L), epochEnds(new StepPlan(100, 2, 15, 3, 1)));
        // 101 rows over 4 workers: 25 rows per shard in batches of 10 → 3 steps per epoch.
        assertEquals(List.of(2L, 5L), epochEnds(new StepPlan(101, 4, 10, 2, 1)));
        // 1080 rows on 1 worker in batches of 50 → 22 steps per epoch.
        assertEquals(List.of(21L, 43L), epochEnds(new StepPlan(1080, 1, 50, 2, 1)));
    }

    @Test
    void shouldSumAnEpochsLossExamplesStepsAndTime()
    {
        final EpochTally tally = new EpochTally(new StepPlan(100, 2, 15, 1, 1), 0.0, 0);
        tally.start(10 * SECOND);
        tally.add(3.0, 30);
        tally.add(1.5, 30);
        tally.add(0.5, 10);
        assertNull(tally.closeIfLast(2, 0.1, 2, 12 * SECOND));
        tally.add(1.0, 10);
        final EpochTotals totals = tally.closeIfLast(3, 0.05, 2, 12 * SECOND + SECOND / 2);
        assertEquals(new EpochTotals(1, 0.075, 80, 4, 2.5, 0.05, 2), totals, "loss (3 + 1.5 + 0.5 + 1) / 80");
    }

    @Test
    void shouldStartTheNextEpochFromZeroAtTheClose()
    {
        final EpochTally tally = new EpochTally(new StepPlan(100, 2, 15, 2, 1), 0.0, 0);
        tally.start(0);
        for (long step = 0; step < 4; step++)
        {
            tally.add(9.0, 10);
            tally.closeIfLast(step, 0.1, 2, 4 * SECOND);
        }
        for (long step = 4; step < 7; step++)
        {
            tally.add(2.0, 10);
            assertNull(tally.closeIfLast(step, 0.1, 2, 5 * SECOND));
        }
        tally.add(2.0, 20);
        final EpochTotals second = tally.closeIfLast(7, 0.025, 1, 7 * SECOND);
        assertEquals(new EpochTotals(2, 0.16, 50, 4, 3.0, 0.025, 1), second, "8 / 50, from the first close at 4 s");
    }

    @Test
    void shouldCarryAResumedEpochsLossAndExamplesButNotItsSteps()
    {
        // Resumed at step 6 of a 4-step epoch: steps 4 and 5 had 40 examples with loss sum 4.
        final EpochTally tally = new EpochTally(new StepPlan(100, 2, 15, 2, 1), 4.0, 40);
        tally.start(0);
        tally.add(1.0, 20);
        tally.add(1.0, 20);
        final EpochTotals totals = tally.closeIfLast(7, 0.1, 2, SECOND);
        assertEquals(new EpochTotals(2, 0.075, 80, 2, 1.0, 0.1, 2), totals, "6 / 80 over 4 steps, 2 of them here");
    }

    @Test
    void shouldCarryOnlyTheCurrentEpochBeforeAStep()
    {
        final EpochTally tally = new EpochTally(new StepPlan(100, 2, 15, 2, 1), 0.0, 0);
        tally.add(3.0, 30);
        tally.add(1.0, 30);
        assertEquals(4.0, tally.lossSumBefore(2));
        assertEquals(60, tally.examplesBefore(2));
        tally.add(1.0, 30);
        tally.add(1.0, 10);
        assertEquals(0.0, tally.lossSumBefore(4), "step 4 begins epoch 2");
        assertEquals(0, tally.examplesBefore(4));
    }

    @Test
    void shouldReportNoLossForAnEpochWithoutExamples()
    {
        final EpochTally tally = new EpochTally(new StepPlan(3, 3, 1, 1, 1), 0.0, 0);
        tally.start(0);
        tally.add(0.0, 0);
        final EpochTotals totals = tally.closeIfLast(0, 0.1, 0, 0);
        assertTrue(Double.isNaN(totals.trainLoss()));
        assertEquals(1, totals.steps());
    }

    private static List<Long> epochEnds(final StepPlan plan)
    {
        final EpochTally tally = new EpochTally(plan, 0.0, 0);
        tally.start(0);
        final List<Long> ends = new ArrayList<>();
        for (long step = 0; step < plan.totalSteps(); step++)
        {
            tally.add(1.0, 1);
            final EpochTotals totals = tally.closeIfLast(step, 0.1, plan.shards(), step);
            if (null != totals)
            {
                assertEquals(plan.epochOf(step), totals.epoch());
                assertEquals(plan.stepsPerEpoch(), totals.steps());
                ends.add(step);
            }
        }
        return ends;
    }
}
