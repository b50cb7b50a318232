package io.descent.cli.train;

import io.descent.data.SourceSplits;
import io.descent.data.Task;
import io.descent.data.load.DataLoader;
import io.descent.data.load.ScaledSplits;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.SgemmProbe;
import io.descent.nn.error.BadInputException;
import io.descent.nn.loss.Loss;
import io.descent.nn.optim.Optimizer;
import io.descent.report.ReportPlots;
import io.descent.train.EpochResult;
import io.descent.train.Evaluator;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.Metrics;
import io.descent.train.Trainer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/** Runs a job in this process: load data, build the model, train epoch by epoch, evaluate, report. */
public final class LocalTraining
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalTraining.class);

    private final JobConfig job;
    private final Path reportFile;
    private final boolean progress;
    private final PrintStream out = System.out;

    /**
     * @param job        the validated job.
     * @param reportFile where to write the JSON report, or null.
     * @param progress   draw a progress bar per epoch.
     */
    public LocalTraining(final JobConfig job, final Path reportFile, final boolean progress)
    {
        this.job = job;
        this.reportFile = reportFile;
        this.progress = progress;
    }

    /** Trains, prints a line per epoch and the test metrics, writes the report. */
    public void run()
    {
        checkReportTarget(reportFile);
        job.train().saveModel().ifPresent(dir -> ArtifactStore.checkTarget(dir, "--save-model"));
        final long start = System.nanoTime();
        SgemmProbe.logCalibration();
        final ScaledSplits scaled = DataLoader.openScaled(job.data(), job.seed(), declaredOutputs());
        final SourceSplits data = scaled.splits();
        final Loss loss = job.train().loss();
        checkTask(loss, data.train().task());
        final ModelSpec spec = JobData.specOf(job, data, loss);
        final int batch = job.train().batchSize();
        if (batch > data.train().size())
        {
            throw new BadInputException("train.batch-size = " + batch + " is larger than the training split (" +
                data.train().size() + " examples); use at most " + data.train().size());
        }
        final Model model = Model.create(spec, job.seed());
        final int epochs = job.train().epochs();
        final Optimizer optimizer = job.train().optimizer().create(
            model.parameters(), Trainer.stepsPerEpoch(data.train().size(), batch), epochs);
        final Trainer trainer = new Trainer(model, optimizer, data.train(), job.train(), job.seed());
        final Evaluator evaluator = new Evaluator(model, loss, job.train().evalBatchSize());
        out.printf("job %s: %s, %d parameters, %d train / %d validation / %d test examples%n", job.name(),
            model.fingerprint().architecture(), model.parameterCount(), data.train().size(),
            data.validation().size(), data.test().size());
        final TrainReport report = new TrainReport(job, model, "single", 1);
        long examples = 0;
        double trainSeconds = 0.0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            final EpochResult result = runEpoch(trainer, epoch, epochs, data.train().size());
            final Metrics validation = evaluator.evaluate(data.validation());
            examples += result.examples();
            trainSeconds += result.seconds();
            out.println(EpochLine.format(result, epochs, validation, trainer.learningRate()));
            report.addEpoch(result, validation);
        }
        final Metrics test = evaluator.evaluate(data.test());
        final double wall = (System.nanoTime() - start) / 1e9;
        out.printf("test %s  (%d examples, %d steps, %.1f s)%n", test.describe(), test.examples(), trainer.steps(), wall);
        if (job.train().saveModel().isPresent())
        {
            final Path dir = job.train().saveModel().get();
            ArtifactStore.write(dir, ModelArtifact.of(job, spec, model.parameters().toFloatVector(), data.train(),
                scaled.scaling(), trainer.steps()));
            out.printf("model saved to %s%n", dir);
        }
        if (null != reportFile)
        {
            ReportPlots.writeWithJson(reportFile, report.finish(test, wall, examples / trainSeconds, trainer.steps()));
            LOG.info("report written to {} and {}", reportFile, ReportPlots.pathFor(reportFile));
        }
    }

    private EpochResult runEpoch(final Trainer trainer, final int epoch, final int epochs, final int size)
    {
        if (!progress)
        {
            return trainer.runEpoch(epoch, count -> { });
        }
        try (ProgressBar bar = new ProgressBarBuilder()
            .setTaskName("epoch " + epoch + "/" + epochs)
            .setInitialMax(size)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            .setUnit(" ex", 1)
            .showSpeed()
            .clearDisplayOnFinish()
            .build())
        {
            final IntConsumer step = bar::stepBy;
            return trainer.runEpoch(epoch, step);
        }
    }

    private int declaredOutputs()
    {
        final var layers = job.model().getConfigList("layers");
        final var last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        return null != last && last.hasPath("units") ? last.getInt("units") : 0;
    }

    private static void checkTask(final Loss loss, final Task task)
    {
        final boolean classificationLoss = loss == Loss.CROSS_ENTROPY || loss == Loss.BINARY_CROSS_ENTROPY;
        if (classificationLoss && task == Task.REGRESSION)
        {
            throw new BadInputException("train.loss = " + loss.configName() + " needs classification data, but the " +
                "data is a regression task; use train.loss = mse or mae");
        }
    }

    private static void checkReportTarget(final Path reportFile)
    {
        if (null == reportFile)
        {
            return;
        }
        final Path parent = reportFile.toAbsolutePath().getParent();
        if (null == parent || !Files.isDirectory(parent) || !Files.isWritable(parent))
        {
            throw new BadInputException("--report " + reportFile + ": directory " + parent +
                " does not exist or is not writable; create it or choose another path");
        }
        if (Files.isDirectory(reportFile))
        {
            throw new BadInputException("--report " + reportFile + " is a directory; give a file path");
        }
    }
}
