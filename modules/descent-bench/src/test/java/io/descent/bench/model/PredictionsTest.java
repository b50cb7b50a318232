package io.descent.bench.model;

import io.descent.cluster.Consistency;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which consistency the predictions time each shape by: ssp and async overlap only when pipelined, one server. */
class PredictionsTest
{
    @Test
    void shouldOverlapSspAndAsyncOnlyWhenPipelinedWithOneServer()
    {
        assertEquals(Consistency.Mode.SSP, Predictions.timing(Consistency.Mode.SSP, true, 1));
        assertEquals(Consistency.Mode.ASYNC, Predictions.timing(Consistency.Mode.ASYNC, true, 1));
        assertEquals(Consistency.Mode.SYNC, Predictions.timing(Consistency.Mode.SSP, false, 1),
            "not pipelined: a worker waits for its weights after each push");
        assertEquals(Consistency.Mode.SYNC, Predictions.timing(Consistency.Mode.SSP, true, 2),
            "shards are not pipelined in this build");
        assertEquals(Consistency.Mode.BACKUP, Predictions.timing(Consistency.Mode.BACKUP, true, 1));
        assertEquals(Consistency.Mode.SYNC, Predictions.timing(Consistency.Mode.SYNC, true, 1));
    }
}
