package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.nn.kernel.NativeAllocations;
import io.descent.train.Metrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's arithmetic, summing gradients in rank order, the optimizer step and the epoch's evaluation, allocates
 * nothing native once warmed up: not per step, and not per evaluation after the first.
 */
class ServerEngineTest
{
    private static final int STEPS = 300;

    @ParameterizedTest
    @ValueSource(strings = { "momentum = 0.9, nesterov = true", "optimizer = adam, clip-norm = 1.0, weight-decay = 1e-4" })
    void shouldFoldApplyAndEvaluateWithoutAllocating(final String optimizer)
    {
        final TestJob job = TestJob.of("train { " + optimizer + " }");
        try (InMemoryNetwork network = new InMemoryNetwork();
            ServerEngine engine = new ServerEngine(job.server(TestJob.settings(2, ""), network.newPlane("ps"), null)))
        {
            final Metrics first = engine.evaluate(job.data.validation());
            final NativeAllocations allocations = new NativeAllocations();
            long before = 0;
            for (int step = 0; step < STEPS; step++)
            {
                if (step == 3)
                {
                    before = allocations.created();
                }
                engine.fold(0, 0.5, true);
                engine.fold(1, 0.5, false);
                engine.apply(step, 1.0);
            }
            final long created = allocations.created() - before;
            assertTrue(created <= STEPS / 10, created + " native allocations in " + (STEPS - 3) + " steps");

            final Metrics again = engine.evaluate(job.data.validation());
            final long beforeEvaluations = allocations.created();
            for (int round = 0; round < 5; round++)
            {
                assertEquals(again, engine.evaluate(job.data.validation()));
            }
            assertEquals(0, allocations.created() - beforeEvaluations, "native allocations in 5 evaluations");
            assertEquals(first.examples(), again.examples());
        }
    }
}
