package io.descent.train;

import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import io.descent.nn.layer.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The job's architecture on its data: {@code data.shape} feeds image layers, and must hold the rows' features. */
class JobDataTest
{
    private static final String SYNTHETIC = "data { source = synthetic, synthetic { kind = teacher, features = 12, " +
        "samples = 200, test-samples = 50 } }, train.loss = cross-entropy, ";

    @Test
    void shouldFeedImageRowsToConvolutions()
    {
        final JobData data = JobData.load(JobConfig.from(ConfigFactory.parseString(SYNTHETIC +
            "data.shape = [3, 2, 2], model.layers = [{ type = conv2d, filters = 2, kernel = 2, padding = same }, " +
            "{ type = max-pool2d }, { type = flatten }, { type = dense }]")), 1);
        assertEquals(Shape.image(3, 2, 2), data.spec().input());
        assertEquals(4, data.spec().layers().size());
    }

    @Test
    void shouldKeepFlatRowsWithoutAShape()
    {
        final JobData data = JobData.load(JobConfig.from(ConfigFactory.parseString(SYNTHETIC + "job.name = flat")), 1);
        assertEquals(Shape.flat(12), data.spec().input());
    }

    @Test
    void shouldRejectAShapeThatDoesNotHoldTheRow()
    {
        final BadInputException ex = assertThrows(BadInputException.class, () -> JobData.load(JobConfig.from(
            ConfigFactory.parseString(SYNTHETIC + "data.shape = [1, 3, 3]")), 1));
        assertEquals("data.shape = [1, 3, 3] holds 9 values, but each row of the data has 12 features; make the " +
            "sizes multiply to 12", ex.getMessage());
    }
}
