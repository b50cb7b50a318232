package io.descent.bench.scale;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scaling job: the warm-up epochs and the measured one, the same steps per epoch at every worker count. */
class ScaleJobTest
{
    @Test
    void shouldTrainTheWarmUpEpochsThenTheMeasuredOneWithTheSameStepsAtEveryCount()
    {
        final ScaleJob job = ScaleJob.of("784-512-256-10", 256, 500, 3);
        for (final int workers : new int[]{ 1, 2, 4 })
        {
            final Config conf = ConfigFactory.parseString(job.hocon(workers));
            assertEquals(4, conf.getInt("train.epochs"), "3 warm-up epochs and the measured one");
            assertEquals(256, conf.getInt("train.batch-size"));
            final int samples = conf.getInt("data.synthetic.samples");
            final double validation = conf.getDouble("data.validation-fraction");
            final double trainRows = samples * (1.0 - validation);
            assertTrue(trainRows >= workers * 256 * 500 && trainRows < workers * 256 * 500 + 2,
                "one epoch is 500 steps of " + workers + " × 256 rows: " + trainRows);
        }
        assertEquals(1, ScaleJob.of("20-16-4", 16, 10, 0).epochs(), "no warm-up: the only epoch is measured");
    }
}
