package io.descent.cli.cluster;

import io.descent.cli.exit.ErrorLine;
import io.descent.cli.train.TrainReport;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.Consistency;
import io.descent.cluster.checkpoint.CompletionMarker;
import io.descent.cluster.SecurityStatus;
import io.descent.cluster.metrics.MetricsServer;
import io.descent.cluster.metrics.NodeMetrics;
import io.descent.cluster.node.HostPort;
import io.descent.cluster.node.NodeRuntime;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.server.EpochReport;
import io.descent.cluster.server.JobObserver;
import io.descent.cluster.server.JobResult;
import io.descent.cluster.server.ParameterServer;
import io.descent.cluster.server.ServerSetup;
import io.descent.cluster.server.ShardLimits;
import io.descent.cluster.server.ShardServer;
import io.descent.cluster.server.Staleness;
import io.descent.cluster.server.StepReport;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.Model;
import io.descent.nn.SgemmProbe;
import io.descent.nn.error.BadInputException;
import io.descent.report.ReportLine;
import io.descent.report.ReportPlots;
import io.descent.train.EpochResult;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code descent ps}: runs the parameter server of a job and waits for its workers. Exits 0 when the job completes
 * (leaving a {@link CompletionMarker} in the checkpoint directory, when checkpoints are configured) and at once when
 * {@code --resume} names a directory whose marker says this job completed already,
 * 2 when it stops on bad input (training diverged, a checkpoint of another job or a damaged one: one line on stderr,
 * printed as soon as it is known), 1 when it fails otherwise.
 */
@Command(
    name = "ps",
    mixinStandardHelpOptions = true,
    description = "Run the parameter server of a job: the first seed node of the cluster; workers join it.")
public final class PsCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(PsCommand.class);

    @Mixin
    NodeOptions node;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2551",
        description = "control-plane (Akka) address; workers give it as --join (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--workers", paramLabel = "N", description = "number of workers to wait for " +
        "(default: descent.cluster.workers)")
    Integer workers;

    @Option(names = "--report", paramLabel = "FILE", description = "write a JSON report (atomically) at the end")
    Path report;

    @Option(names = "--print-report", description = "print the JSON report as one line '" + ReportLine.PREFIX +
        "{...}' on stdout at the end (for logs, e.g. a pod's)")
    boolean printReport;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue from the last checkpoint in DIR")
    Path resume;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "write checkpoints to DIR " +
        "(with --cluster checkpoint.every-steps=K and/or checkpoint.every=10m)")
    Path checkpointDir;

    @Option(names = "--save-model", paramLabel = "DIR", description = "write the trained model to DIR at the end " +
        "(architecture, weights, scaling, labels, job; atomically), as train.save-model does")
    Path saveModel;

    @Option(names = "--shard", paramLabel = "I", defaultValue = "0", description = "this server's shard of the " +
        "parameters, 0..S-1 (default: ${DEFAULT-VALUE}, the coordinator; others join it with --join)")
    int shard;

    @Option(names = "--shards", paramLabel = "S", description = "parameter-server shards of the job " +
        "(default: descent.cluster.servers)")
    Integer shards;

    @Option(names = "--join", paramLabel = "HOST:PORT", description = "with --shard I > 0: control-plane address " +
        "of the coordinator (shard 0's --bind)")
    String join;

    @Option(names = "--mode", hidden = true, defaultValue = "cluster", description = "report mode: cluster or local")
    String mode;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception
    {
        node.watchParent();
        final HostPort address = HostPort.parse(bind, "--bind");
        if (address.port() != 0)
        {
            NodeRuntime.checkTcpPortFree(address);
        }
        NodeRuntime.checkUdpPortFree(node.aeron);
        final JobConfig job = node.job();
        ClusterSettings settings = node.settings(null == workers ? 0 : workers);
        if (null != shards)
        {
            if (shards < 1 || shards > ClusterSettings.MAX_SERVERS)
            {
                throw new BadInputException("--shards " + shards + " is out of range; allowed: 1.." +
                    ClusterSettings.MAX_SERVERS);
            }
            settings = settings.withServers(shards);
        }
        if (shard < 0 || shard >= settings.servers())
        {
            throw new BadInputException("--shard " + shard + " is not one of 0.." + (settings.servers() - 1) +
                " (--shards " + settings.servers() + ")");
        }
        if (shard > 0 && null == join)
        {
            throw new BadInputException("--shard " + shard + " needs --join HOST:PORT, the coordinator's (shard 0's) " +
                "--bind");
        }
        if (shard == 0 && null != join)
        {
            throw new BadInputException("--join is for --shard I > 0; shard 0 is the coordinator, the cluster's seed");
        }
        settings.consistency().checkWorkers(settings.workers());
        if (null != checkpointDir)
        {
            settings = settings.withCheckpoints(new ClusterSettings.CheckpointSettings(Optional.of(checkpointDir),
                settings.checkpoints().everySteps() == 0 && settings.checkpoints().every().isZero() ? 100 :
                settings.checkpoints().everySteps(), settings.checkpoints().every(), settings.checkpoints().keep()));
        }
        if (null != resume && !Files.isDirectory(resume))
        {
            throw new BadInputException("--resume " + resume + " is not a directory of checkpoints");
        }
        ShardLimits.check(settings, job, null != resume);
        if (shard > 0)
        {
            return runShard(job, settings, address);
        }
        final Optional<Path> modelDir = null != saveModel ? Optional.of(saveModel) : job.train().saveModel();
        modelDir.ifPresent(dir -> ArtifactStore.checkTarget(dir, "--save-model"));
        final JobData data = JobData.load(job, settings.workers());
        final JobIdentity identity = JobIdentity.of(Model.create(data.spec(), job.seed()).fingerprint(), job.raw());
        final Optional<CompletionMarker> done = null == resume ? Optional.empty() : CompletionMarker.completed(resume,
            identity, settings.workers(), ServerSetup.plan(job, data.data(), settings.workers()).totalSteps());
        if (done.isPresent())
        {
            // A restarted server after completion (a pod's restart): nothing to do, and no worker will come.
            out.println(done.get().describe(resume));
            return 0;
        }
        SgemmProbe.logCalibration();
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        metrics.setSecurity(SecurityStatus.of(settings));
        final Printer printer = new Printer(job, settings, metrics);
        try (MetricsServer http = metricsOptions.start(metrics);
            NodeRuntime runtime = NodeRuntime.startDataPlane(node.root(0), settings, true))
        {
            metrics.watchTransport(runtime.plane()::stats);
            final ServerSetup setup = ServerSetup.of(job, data.data(), data.spec(), settings, runtime.plane(),
                Optional.ofNullable(resume));
            runtime.startActors("ps", bind, null, node.root(0), ParameterServer.create(setup, printer));
            runtime.roleStopped().whenComplete((stopped, crash) -> printer.onStopped(crash));
            out.printf("parameter server on %s (data plane %s): %s, waiting for %d workers%n", runtime.akkaAddress(),
                runtime.plane().endpoint(), job.name(), settings.workers());
            final JobResult result;
            try
            {
                result = printer.result.get();
                runtime.quiet();
            }
            catch (final ExecutionException ex)
            {
                return failed(ex.getCause(), runtime);
            }
            runtime.awaitOthersLeft("worker", Duration.ofSeconds(10));
            finish(job, data, result, SecurityStatus.of(settings), settings.consistency(), settings.servers());
            modelDir.ifPresent(dir -> saveModel(dir, job, data, result));
            markComplete(settings, identity, result);
        }
        return 0;
    }

    /**
     * A parameter-server shard other than the coordinator: joins the coordinator's cluster, runs its range's steps
     * and ends as the coordinator says the job ended (0 complete, 2 bad input, 1 failed).
     */
    private int runShard(final JobConfig job, final ClusterSettings settings, final HostPort address)
        throws InterruptedException, ExecutionException
    {
        HostPort.parse(join, "--join");
        final JobData data = JobData.load(job, settings.workers());
        if (null != resume)
        {
            final JobIdentity identity = JobIdentity.of(Model.create(data.spec(), job.seed()).fingerprint(),
                job.raw());
            final Optional<CompletionMarker> done = CompletionMarker.completed(resume, identity, settings.workers(),
                ServerSetup.plan(job, data.data(), settings.workers()).totalSteps());
            if (done.isPresent())
            {
                // A restarted shard after completion: its coordinator exits at once too.
                out.println(done.get().describe(resume));
                return 0;
            }
        }
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        metrics.setSecurity(SecurityStatus.of(settings));
        final CompletableFuture<int[]> ended = new CompletableFuture<>();
        final String[] message = new String[1];
        try (MetricsServer http = metricsOptions.start(metrics);
            NodeRuntime runtime = NodeRuntime.startDataPlane(node.root(0), settings, true))
        {
            metrics.watchTransport(runtime.plane()::stats);
            final ServerSetup setup = ServerSetup.of(job, data.data(), data.spec(), settings, runtime.plane(),
                Optional.ofNullable(resume));
            runtime.startActors("ps-shard-" + shard, bind, join, node.root(0), ShardServer.create(setup, shard,
                new ShardServer.Observer()
                {
                    @Override
                    public void onEnded(final boolean success, final boolean badInput, final String line)
                    {
                        message[0] = line;
                        ended.complete(new int[]{success ? 0 : badInput ? BadInputException.EXIT_CODE : 1});
                    }

                    @Override
                    public void onStep(final long step, final long lateGradients, final long closedEarly,
                        final Staleness staleness)
                    {
                        // This shard's own counters: its ranges' staleness and late gradients, not the coordinator's.
                        metrics.onConsistency(lateGradients, closedEarly);
                        metrics.onStaleness(staleness.steps(), staleness.versionLag());
                    }
                }));
            runtime.roleStopped().whenComplete((stopped, crash) ->
                ended.complete(new int[]{1}));
            out.printf("parameter server shard %d of %d on %s (data plane %s): %s, joining %s%n", shard,
                settings.servers(), runtime.akkaAddress(), runtime.plane().endpoint(), job.name(), join);
            final int code = ended.get()[0];
            runtime.quiet();
            if (code == 1)
            {
                out.println("server shard " + shard + " failed: " + message[0]);
            }
            else if (code == BadInputException.EXIT_CODE && null != message[0])
            {
                System.err.println("descent ps: " + message[0]);
            }
            return code;
        }
    }

    /** Writes the job's final weights as a model artifact. */
    private void saveModel(final Path dir, final JobConfig job, final JobData data, final JobResult result)
    {
        ArtifactStore.write(dir, ModelArtifact.of(job, data.spec(), result.finalWeights(), data.data().train(),
            data.scaling(), result.steps()));
        out.printf("model saved to %s%n", dir);
    }

    /**
     * Leaves the completion marker in the checkpoint directory (after the final checkpoint, the report and the model),
     * so a server started again on it exits at once instead of waiting for workers.
     */
    private void markComplete(final ClusterSettings settings, final JobIdentity identity, final JobResult result)
    {
        if (settings.checkpoints().enabled())
        {
            final Path marker = CompletionMarker.of(identity, settings.workers(), result.steps(),
                System.currentTimeMillis()).write(settings.checkpoints().dir().orElseThrow());
            LOG.info("job complete: marker written to {}", marker);
        }
    }

    /** Reports a job that ended without a result; @return the exit code. */
    private int failed(final Throwable failure, final NodeRuntime runtime)
    {
        final BadInputException problem = BadInputException.in(failure);
        if (null == problem)
        {
            out.println("job failed: " + failure.getMessage());
            return 1;
        }
        // Said at once, not after the shutdown: a local launcher may stop this process once its workers have ended.
        final int code = ErrorLine.badInput(spec.commandLine(), problem);
        runtime.quiet();
        // The workers were told why the job is over: let that reach them before this node leaves the cluster.
        runtime.awaitOthersLeft("worker", Duration.ofSeconds(10));
        return code;
    }

    private void finish(final JobConfig job, final JobData data, final JobResult result,
        final SecurityStatus security, final Consistency consistency, final int servers)
    {
        out.printf("test %s  (%d examples, %d steps, %.1f s, %d workers%s)%n", result.test().describe(),
            result.test().examples(), result.steps(), result.wallSeconds(), result.workers().size(),
            result.lostRanks().isEmpty() ? "" : ", lost ranks " + result.lostRanks());
        if (null == report && !printReport)
        {
            return;
        }
        final TrainReport train = new TrainReport(job, Model.create(data.spec(), job.seed()), mode,
            workers == null ? result.workers().size() : workers);
        long examples = 0;
        double seconds = 0.0;
        for (final EpochReport epoch : result.epochs())
        {
            train.addEpoch(new EpochResult(epoch.epoch(), epoch.trainLoss(), epoch.examples(), epoch.steps(),
                epoch.seconds()), epoch.validation(), epoch.workerTime());
            examples += epoch.examples();
            seconds += epoch.seconds();
        }
        train.addClusterStats(result.workers(), result.server(), result.shards());
        train.addSecurity(security);
        train.addConsistency(consistency, consistency.window(servers), result.server());
        train.addCompression(result.server(), result.shards());
        final Map<String, Object> json = train.finish(result.test(), result.wallSeconds(),
            seconds > 0 ? examples / seconds : 0.0, result.steps());
        if (printReport)
        {
            out.println(ReportLine.format(json));
            out.flush();
        }
        if (null != report)
        {
            ReportPlots.writeWithJson(report, json);
            LOG.info("report written to {} and {}", report, ReportPlots.pathFor(report));
        }
    }

    /** Prints progress lines and completes the result future; called on the server actor's thread. */
    private final class Printer implements JobObserver
    {
        final CompletableFuture<JobResult> result = new CompletableFuture<>();
        private final JobConfig job;
        private final int expected;
        private final ClusterSettings.ProgressDeadline progress;
        private final NodeMetrics metrics;
        private int live;

        Printer(final JobConfig job, final ClusterSettings settings, final NodeMetrics metrics)
        {
            this.job = job;
            this.expected = settings.workers();
            this.progress = settings.serverProgress();
            this.metrics = metrics;
        }

        @Override
        public void onStarted(final int count, final long firstStep)
        {
            out.printf("%d workers joined; training %s from step %d%n", count, job.name(), firstStep);
            live = count;
            metrics.setLiveWorkers(live);
            metrics.expectProgress(progress.within(), progress.rule());
        }

        @Override
        public void onRefused(final String host, final long pid, final String reason)
        {
            System.err.printf("descent ps: refused worker on %s pid %d: %s%n", host, pid, reason);
        }

        @Override
        public void onIgnoredControl(final String message)
        {
            metrics.onIgnoredControl(message);
        }

        @Override
        public void onWorkerLost(final int rank, final String reason)
        {
            System.err.printf("descent ps: dropped worker rank %d: %s; continuing with the others%n", rank, reason);
            live = Math.max(0, live - 1);
            metrics.setLiveWorkers(live);
        }

        @Override
        public void onWorkerJoined(final int rank, final long step)
        {
            out.printf("worker rank %d joined at step %d%n", rank, step);
            live++;
            metrics.setLiveWorkers(live);
        }

        @Override
        public void onGradientTraffic(final Supplier<CompressionStats> source)
        {
            metrics.watchGradients(source);
        }

        @Override
        public void onStep(final StepReport step)
        {
            metrics.onStep(step.seconds(), step.waitSeconds(), step.examples());
            metrics.onBytes(step.bytesReceived(), step.bytesSent());
            metrics.onConsistency(step.lateGradients(), step.closedEarly());
            metrics.onStaleness(step.staleness().steps(), step.staleness().versionLag());
            if (step.liveWorkers() != live)
            {
                live = step.liveWorkers();
                metrics.setLiveWorkers(live);
            }
        }

        @Override
        public void onCheckpoint(final long step, final long epochMillis)
        {
            metrics.onCheckpoint(epochMillis);
        }

        @Override
        public void onEpoch(final EpochReport e)
        {
            out.printf("epoch %d/%d  train loss %.4f  val %s  lr %.5f  %.0f samples/s  %.1f s  %d/%d workers%n",
                e.epoch(), e.epochs(), e.trainLoss(), e.validation().describe(), e.learningRate(),
                e.samplesPerSecond(), e.seconds(), e.liveWorkers(), expected);
            live = e.liveWorkers();
            metrics.setLiveWorkers(live);
            metrics.onEpoch(e.epoch(), e.trainLoss(), e.validation());
        }

        @Override
        public void onFinished(final JobResult jobResult)
        {
            metrics.stopExpectingProgress();
            result.complete(jobResult);
        }

        /** The server actor stopped (on a guardian thread): a failure unless it told its outcome first. */
        void onStopped(final Throwable crash)
        {
            if (!result.isDone())
            {
                LOG.error("the parameter server actor stopped before the job ended", crash);
                onFailed("the parameter server actor stopped" + (null == crash ? "" : " after it threw " + crash));
            }
        }

        @Override
        public void onFailed(final String reason)
        {
            metrics.setHealthy(false, reason);
            metrics.stopExpectingProgress();
            result.completeExceptionally(new IllegalStateException(reason));
        }

        @Override
        public void onBadInput(final BadInputException problem)
        {
            metrics.setHealthy(false, problem.getMessage());
            result.completeExceptionally(problem);
        }
    }
}
