package io.descent.cluster.worker;

import io.descent.cluster.TestJob;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;
import io.descent.nn.Model;
import io.descent.nn.kernel.NativeAllocations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's step arithmetic, batch gather to gradient, allocates nothing native once every batch size was seen. */
class StepComputeTest
{
    @Test
    void shouldComputeStepsWithoutAllocating()
    {
        final TestJob job = TestJob.of("model { layers = [ { type = dense, units = 16, activation = relu }, " +
            "{ type = dropout, rate = 0.2 }, { type = dense } ] }\ntrain { epochs = 20 }");
        final StepPlan plan = new StepPlan(job.data.train().size(), 2, job.job.train().batchSize(),
            job.job.train().epochs(), job.job.seed());
        final Model model = Model.create(job.spec, job.job.seed());
        final StepCompute compute = new StepCompute(model, plan, job.data.train(), job.job.train().loss(),
            job.job.seed());
        final long warmup = plan.stepsPerEpoch();
        final NativeAllocations allocations = new NativeAllocations();
        long before = 0;
        for (long step = 0; step < plan.totalSteps(); step++)
        {
            if (step == warmup)
            {
                before = allocations.created();
            }
            final StepOrder order = StepCompute.ownShard(plan, step, 1);
            compute.compute(order);
            compute.readAhead(order);
        }
        final long steps = plan.totalSteps() - warmup;
        final long created = allocations.created() - before;
        // One allocation per step would be `steps`; before the ops were bound, a step made 19 here.
        assertTrue(steps >= 300 && created <= steps / 10, created + " native allocations in " + steps + " steps");
    }
}
