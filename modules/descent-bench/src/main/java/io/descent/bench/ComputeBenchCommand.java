package io.descent.bench;

import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.SgemmProbe;
import io.descent.nn.error.BadInputException;
import io.descent.nn.kernel.NativeBuild;
import io.descent.nn.layer.Layer;
import io.descent.nn.loss.Loss;
import io.descent.nn.optim.LearningRateSchedule;
import io.descent.nn.optim.Optimizer;
import io.descent.nn.optim.OptimizerSettings;
import io.descent.nn.optim.ScheduleSettings;
import io.descent.nn.optim.Sgd;
import io.descent.report.JsonReports;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench compute}: training-step throughput of a model (an MLP given by its widths, or a job's model:
 * {@code --preset NAME | PRESET | --config FILE}, {@code --set}, {@code --seed}) against this machine's sgemm peak, both
 * measured in the same run, alternating, best round of each; {@code efficiency} is their ratio. The step's FLOPs are
 * those the layers do: per example, forward 2 × multiply-adds, backward 4 × (weight and input gradients) but 2 × for
 * the first layer, which computes no input gradient ({@link #stepFlopsPerExample}). A model with image layers also gets a
 * per-layer breakdown (forward and backward GFLOP/s). Runs on the command's thread.
 */
@Command(
    name = "compute",
    mixinStandardHelpOptions = true,
    description = "Training-step throughput vs. the sgemm peak, measured in the same run.")
public final class ComputeBenchCommand implements Callable<Integer>
{
    private static final String DEFAULT_MODEL = "784-512-256-10";

    @Option(names = "--model", paramLabel = "WIDTHS",
        description = "MLP widths, instead of a job (default: " + DEFAULT_MODEL + ")")
    private String model;

    @Option(names = "--preset", paramLabel = "NAME", description = "the job's preset, e.g. fashion-mnist-cnn " +
        "(the same as the PRESET parameter); its model on random inputs of the job's shape")
    private String preset;

    @Mixin
    private JobArguments jobArguments;

    @Option(names = "--batch", paramLabel = "B", description = "batch size (default: ${DEFAULT-VALUE})")
    private int batch = 256;

    @Option(names = "--threads", paramLabel = "N", description = "BLAS threads (default: all cores)")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--steps", paramLabel = "N", description = "measured steps per round (default: ${DEFAULT-VALUE})")
    private int steps = 100;

    @Option(names = "--rounds", paramLabel = "N", description = "alternating rounds, best counts (default: ${DEFAULT-VALUE})")
    private int rounds = 5;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
    private Path report;

    @Override
    public Integer call()
    {
        if (batch < 1 || threads < 1 || steps < 1 || rounds < 1)
        {
            throw new BadInputException("--batch, --threads, --steps and --rounds must be >= 1");
        }
        final Bench bench = bench();
        final ModelSpec spec = bench.spec();
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        final Model net = Model.create(spec, 1);
        final INDArray features = Nd4j.rand(DataType.FLOAT, batch, spec.inputs());
        final INDArray targets = Nd4j.zeros(DataType.FLOAT, batch, spec.outputs());
        for (int i = 0; i < batch; i++)
        {
            targets.putScalar(i, i % spec.outputs(), 1.0);
        }
        final Optimizer sgd = new Sgd(new OptimizerSettings("sgd", 0.01, 0.9, false, 0.0, 0.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 1, 1, 0, 0)), LearningRateSchedule.constant(0.01), net.parameters());
        double peak = 0.0;
        double bestStepSeconds = Double.MAX_VALUE;
        runSteps(net, sgd, features, targets, bench.loss(), 20);
        for (int round = 0; round < rounds; round++)
        {
            peak = Math.max(peak, SgemmProbe.gflops(2048, 10, 1));
            bestStepSeconds = Math.min(bestStepSeconds, runSteps(net, sgd, features, targets, bench.loss(), steps) /
                steps);
        }
        final double samplesPerSecond = batch / bestStepSeconds;
        final double stepGflops = stepFlopsPerExample(net) * batch / bestStepSeconds / 1e9;
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", bench.name());
        result.put("params", net.parameterCount());
        result.put("batch", batch);
        result.put("threads", threads);
        result.put("samples_per_sec", samplesPerSecond);
        result.put("step_ms", bestStepSeconds * 1e3);
        result.put("step_gflops", stepGflops);
        result.put("step_flops_per_example", stepFlopsPerExample(net));
        result.put("sgemm_peak_gflops", peak);
        result.put("efficiency", stepGflops / peak);
        result.put("nd4j_native", NativeBuild.name());
        System.out.printf(Locale.ROOT, "model %s (%d params), batch %d, %d thread(s): %.0f samples/s, step %.2f ms, " +
            "%.1f GFLOP/s; sgemm peak %.1f GFLOP/s; efficiency %.3f; ND4J native build %s%n", bench.name(),
            net.parameterCount(), batch, threads, samplesPerSecond, bestStepSeconds * 1e3, stepGflops, peak,
            stepGflops / peak, NativeBuild.name());
        if (spec.input().isImage())
        {
            final List<LayerProfile.Row> rows = LayerProfile.measure(net, features, targets, bench.loss(),
                Math.max(5, steps / 4));
            final List<Map<String, Object>> json = new ArrayList<>();
            for (final LayerProfile.Row row : rows)
            {
                System.out.printf(Locale.ROOT, "  %-56s forward %8.3f ms %7.1f GFLOP/s | backward %8.3f ms %7.1f " +
                    "GFLOP/s%n", row.layer(), row.forwardMs(), row.forwardGflops(), row.backwardMs(),
                    row.backwardGflops());
                json.add(row.toJson());
            }
            result.put("layers", json);
        }
        if (null != report)
        {
            JsonReports.writeAtomically(report, result);
        }
        return 0;
    }

    /** What to measure: a name for the output, the architecture and its loss. */
    private record Bench(String name, ModelSpec spec, Loss loss)
    {
    }

    private Bench bench()
    {
        if (null != preset && jobArguments.given())
        {
            throw new BadInputException("--preset " + preset + " and another job were given; name the job once: " +
                "--preset NAME, PRESET or --config FILE");
        }
        final JobArguments job = null == preset ? jobArguments : jobArguments.orPreset(preset);
        if (!job.given())
        {
            return new Bench(null == model ? DEFAULT_MODEL : model, ModelSpec.parseMlp(null == model ? DEFAULT_MODEL :
                model), Loss.CROSS_ENTROPY);
        }
        if (null != model)
        {
            throw new BadInputException("--model " + model + " and a job were given; measure one: --model WIDTHS, " +
                "or a job's model (--preset NAME, PRESET or --config FILE)");
        }
        final JobConfig config = job.job();
        final JobData data = JobData.load(config, 1);
        return new Bench(config.name(), data.spec(), config.train().loss());
    }

    /**
     * @return the FLOPs of one example's training step as the layers do them: forward 2 × multiply-adds, backward 4 ×
     *         (weight and input gradients), except 2 × for the first layer, which computes no input gradient.
     */
    static double stepFlopsPerExample(final Model net)
    {
        final List<Layer> layers = net.layers();
        double flops = 0.0;
        for (int i = 0; i < layers.size(); i++)
        {
            flops += (0 == i ? 4.0 : 6.0) * layers.get(i).multiplyAdds();
        }
        return flops;
    }

    private static double runSteps(final Model net, final Optimizer optimizer, final INDArray features,
        final INDArray targets, final Loss loss, final int steps)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < steps; i++)
        {
            net.computeGradients(features, targets, loss);
            optimizer.step(net.parameters(), net.gradients(), i);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
