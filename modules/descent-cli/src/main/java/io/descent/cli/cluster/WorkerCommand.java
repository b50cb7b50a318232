package io.descent.cli.cluster;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.SecurityStatus;
import io.descent.cluster.metrics.MetricsServer;
import io.descent.cluster.metrics.NodeMetrics;
import io.descent.cluster.metrics.WorkerMetricsFeed;
import io.descent.cluster.node.HostPort;
import io.descent.cluster.node.NodeRuntime;
import io.descent.cluster.worker.WorkerNode;
import io.descent.cluster.worker.WorkerOutcome;
import io.descent.cluster.worker.WorkerSetup;
import io.descent.nn.SgemmProbe;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code descent worker}: joins a cluster through a seed node and works for its parameter server. Exits 0 when the
 * job completes; 2 on bad input, its own or the server's (refused, no server found, or the server stopped the job on
 * bad input such as a diverged step: one line saying so); 1 when the job failed otherwise. A parameter server that
 * goes away without ending the job is waited for: the worker registers with the restarted server under its rank, or
 * exits 1 after {@code descent.cluster.server-lost-timeout} ({@link WorkerNode}).
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: join the cluster at the seed node (the parameter server) and compute gradients.")
public final class WorkerCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

    @Mixin
    NodeOptions node;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--join", paramLabel = "HOST:PORT", required = true,
        description = "control-plane address of the parameter server to join (its --bind; the Akka seed node)")
    String seed;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
        description = "this worker's control-plane (Akka) address; port 0 picks a free port " +
            "(default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--quiet-job-end", hidden = true, description = "when the server stops the job on bad input, " +
        "exit 2 without repeating its line on stderr (the local launcher already shows the server's)")
    boolean quietJobEnd;

    @Override
    public Integer call() throws Exception
    {
        node.watchParent();
        HostPort.parse(seed, "--join");
        NodeRuntime.checkUdpPortFree(node.aeron);
        final JobConfig job = node.job();
        final ClusterSettings settings = node.settings(0);
        final JobData data = JobData.load(job, 1);
        SgemmProbe.logCalibration();
        final WorkerOutcome result;
        // Labelled with the preferred rank (on Kubernetes the pod index) until the server assigns one.
        final NodeMetrics metrics = NodeMetrics.worker(Math.max(0, settings.rank()));
        metrics.setSecurity(SecurityStatus.of(settings));
        try (MetricsServer http = metricsOptions.start(metrics);
            NodeRuntime runtime = NodeRuntime.startDataPlane(node.root(0), settings, true))
        {
            metrics.watchTransport(runtime.plane()::stats);
            final WorkerSetup setup = new WorkerSetup(job, data.data().train(), data.spec(), settings,
                runtime.plane());
            result = WorkerNode.run(runtime, bind, seed, node.root(0), setup,
                new WorkerMetricsFeed(metrics, settings.workerProgress().within(), settings.workerProgress().rule()));
            metrics.setHealthy(result.status() == WorkerOutcome.Status.FINISHED, result.message());
            metrics.stopExpectingProgress();
            runtime.quiet();
        }
        return exitCode(result);
    }

    private int exitCode(final WorkerOutcome result)
    {
        return switch (result.status())
        {
            case FINISHED -> 0;
            case REFUSED -> throw new BadInputException("refused by the parameter server at " + seed + ": " +
                result.message());
            case NOT_FOUND -> throw new BadInputException("could not join the parameter server at " + seed + ": " +
                result.message());
            case BAD_INPUT -> stoppedOnBadInput(result.message());
            case FAILED, SERVER_LOST -> throw new IllegalStateException("worker rank " + result.rank() + " failed: " +
                result.message());
        };
    }

    private int stoppedOnBadInput(final String reason)
    {
        if (!quietJobEnd)
        {
            throw new BadInputException("the parameter server stopped the job: " + reason);
        }
        LOG.info("the parameter server stopped the job: {}", reason);
        return BadInputException.EXIT_CODE;
    }
}
