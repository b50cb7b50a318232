package io.descent.data.batch;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchPlanTest
{
    @Test
    void shouldIncludeThePartialLastBatch()
    {
        final BatchPlan plan = new BatchPlan(10, 4, false);
        assertEquals(3, plan.numBatches());
        assertEquals(8, plan.from(2));
        assertEquals(4, plan.size(1));
        assertEquals(2, plan.size(2));
        assertEquals(10, plan.coveredRows());
    }

    @Test
    void shouldDropThePartialLastBatchWhenAsked()
    {
        final BatchPlan plan = new BatchPlan(10, 4, true);
        assertEquals(2, plan.numBatches());
        assertEquals(8, plan.coveredRows());
        assertThrows(IndexOutOfBoundsException.class, () -> plan.size(2));
    }

    @Test
    void shouldHandleExactMultiplesAndEmptyInput()
    {
        assertEquals(3, new BatchPlan(12, 4, false).numBatches());
        assertEquals(3, new BatchPlan(12, 4, true).numBatches());
        assertEquals(0, new BatchPlan(0, 4, false).numBatches());
        assertEquals(1, new BatchPlan(3, 4, false).numBatches());
        assertEquals(0, new BatchPlan(3, 4, true).numBatches());
    }

    @Test
    void shouldRejectANonPositiveBatchSize()
    {
        assertThrows(BadInputException.class, () -> new BatchPlan(10, 0, false));
    }
}
