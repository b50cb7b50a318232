package io.descent.bench.scale;

import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * The job a scaling run trains: an MLP of the given widths on synthetic teacher data sized so that every worker
 * count takes the same number of steps per epoch with the same per-worker batch (weak scaling). The first
 * {@code warmupEpochs} epochs warm up (JIT, caches, buffers), the last one is measured.
 *
 * @param widths        MLP widths, e.g. 784, 512, 256, 10.
 * @param batch         examples per worker per step.
 * @param stepsPerEpoch optimizer steps in one epoch, the same for every worker count.
 * @param warmupEpochs  epochs trained before the measured one.
 */
record ScaleJob(int[] widths, int batch, int stepsPerEpoch, int warmupEpochs)
{
    /** Share of the generated rows held out for validation (kept small: evaluation is not what is measured). */
    private static final double VALIDATION_FRACTION = 0.02;

    static ScaleJob of(final String model, final int batch, final int steps, final int warmupEpochs)
    {
        final ModelSpec spec = ModelSpec.parseMlp(model);
        if (spec.outputs() < 2)
        {
            throw new BadInputException("--model " + model + ": the last width is the number of classes, at least 2");
        }
        if (batch < 1 || steps < 1)
        {
            throw new BadInputException("--batch and --steps must be at least 1, got " + batch + " and " + steps);
        }
        if (warmupEpochs < 0)
        {
            throw new BadInputException("--warmup-epochs must be 0 or more, got " + warmupEpochs);
        }
        final String[] parts = model.trim().split("-");
        final int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            widths[i] = Integer.parseInt(parts[i].trim());
        }
        return new ScaleJob(widths, batch, steps, warmupEpochs);
    }

    /** @return bytes of the float32 training rows the job for {@code workers} workers generates on every node. */
    long trainBytes(final int workers)
    {
        return (long)workers * batch * stepsPerEpoch * widths[0] * Float.BYTES;
    }

    /**
     * Refuses a job whose synthetic training rows would not fit the nodes' heap: every node generates them on its
     * heap, and an {@link OutOfMemoryError} half-way through a run is no answer.
     *
     * @param workers  the largest worker count.
     * @param heapBytes the nodes' maximum heap.
     */
    void checkFits(final int workers, final long heapBytes)
    {
        final long bytes = trainBytes(workers);
        if (bytes > heapBytes / 2)
        {
            throw new BadInputException(String.format("--steps %d: %d workers × batch %d × %d steps of %d features " +
                "is %.1f GB of synthetic training data on every node, more than half the %.1f GB heap; lower --steps " +
                "or raise DESCENT_HEAP", stepsPerEpoch, workers, batch, stepsPerEpoch, widths[0], bytes / 1e9,
                heapBytes / 1e9));
        }
    }

    /** @return the job file's content for {@code workers} workers. */
    String hocon(final int workers)
    {
        final long rows = (long)workers * batch * stepsPerEpoch;
        if (rows > Integer.MAX_VALUE / 2)
        {
            throw new BadInputException("--steps " + stepsPerEpoch + ": " + workers + " workers × batch " + batch +
                " × " + stepsPerEpoch + " steps is " + rows + " rows, more than a job holds; lower --steps or --batch");
        }
        final int trainRows = (int)rows;
        final int samples = (int)Math.ceil(trainRows / (1.0 - VALIDATION_FRACTION)) + 1;
        final List<String> layers = new ArrayList<>();
        for (int i = 1; i < widths.length - 1; i++)
        {
            layers.add("{ type = dense, units = " + widths[i] + ", activation = relu }");
        }
        layers.add("{ type = dense, units = " + widths[widths.length - 1] + ", activation = softmax }");
        return String.join("\n",
            "job { name = \"scale-" + workers + "\", seed = 1 }",
            "data {",
            "  source = synthetic",
            "  scaling = none",
            "  validation-fraction = " + VALIDATION_FRACTION,
            "  synthetic { kind = teacher, features = " + widths[0] + ", classes = " + widths[widths.length - 1] +
                ", hidden = 32, samples = " + samples + ", test-samples = 500 }",
            "}",
            "model { init = he-normal, layers = [ " + String.join(", ", layers) + " ] }",
            "train { loss = cross-entropy, batch-size = " + batch + ", epochs = " + epochs() +
                ", learning-rate = 0.01, momentum = 0.9 }",
            "");
    }

    /** @return epochs the job trains: the warm-up ones and the measured one. */
    int epochs()
    {
        return warmupEpochs + 1;
    }
}
