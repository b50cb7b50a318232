package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.k8s.ApiOptions;
import io.descent.k8s.JobLauncher;
import io.descent.k8s.JobNames;
import io.descent.k8s.JobSpec;
import io.descent.k8s.KubeApi;
import io.descent.k8s.ManifestRenderer;
import io.descent.k8s.Manifests;
import io.descent.k8s.PodTemplates;
import io.descent.nn.error.BadInputException;
import io.descent.report.ReportLine;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each run as a job on a Kubernetes cluster through the launcher ({@link JobLauncher}, as {@code descent k8s submit}
 * does): submits {@code NAME-wN} with its parameter server told to print its report as one log line
 * ({@code --print-report}), waits until the server's container has ended (its pod found by its labels: the server's
 * Job names its pods), reads that line from its log, and deletes
 * the job with its checkpoint volume, also when the run failed or timed out.
 *
 * <p>Runs with the nodes' default cluster settings only ({@link ScaleBenchCommand} refuses a sweep of them here).
 *
 * <p>Tested against fabric8's mock API server only; no run on a real cluster has been made.
 */
final class KubernetesRunner implements ScaleRunner
{
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRunner.class);

    private final ApiOptions api;
    private final String image;
    private final String namespace;
    private final String name;
    private final String clusterDomain;
    private final Duration timeout;

    /**
     * @param api           how to reach the API server.
     * @param image         the container image.
     * @param namespace     the namespace, or null for the kubeconfig context's.
     * @param name          prefix of the job names: the run with N workers is {@code NAME-wN}.
     * @param clusterDomain the cluster's DNS domain.
     * @param timeout       how long one run may take, from submission to the server's end.
     */
    KubernetesRunner(
        final ApiOptions api,
        final String image,
        final String namespace,
        final String name,
        final String clusterDomain,
        final Duration timeout)
    {
        this.api = api;
        this.image = image;
        this.namespace = namespace;
        this.name = name;
        this.clusterDomain = clusterDomain;
        this.timeout = timeout;
    }

    /**
     * Validates the runs before contacting the cluster.
     *
     * @param workers the largest worker count.
     * @param jobFile its job file.
     * @throws BadInputException for a bad image, name, namespace, domain, count or timeout.
     */
    void check(final int workers, final Path jobFile)
    {
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new BadInputException("--k8s-timeout must be at least 1 second, got " + timeout.toSeconds());
        }
        spec(workers, jobFile);
    }

    @Override
    public String mode()
    {
        return "k8s";
    }

    @Override
    public JsonNode run(final int workers, final ScaleSettings settings, final Path jobFile)
        throws InterruptedException
    {
        final JobSpec validated = spec(workers, jobFile);
        try (KubeApi kube = KubeApi.connect(api))
        {
            final JobSpec job = validated.withNamespace(kube.namespace(validated.namespace()));
            final List<HasMetadata> items = Manifests.render(job, kube.client().getKubernetesSerialization());
            printReportOnServer(items);
            JobLauncher.submit(kube, job, items, line -> LOG.info("{}", line));
            System.out.printf("%d worker(s): submitted job '%s' to namespace %s; waiting for its server (Job %s) " +
                "to end%n", workers, job.names().job(), job.namespace(), job.names().ps());
            final JsonNode report;
            try
            {
                report = awaitReport(kube, job);
            }
            catch (final RuntimeException ex)
            {
                try
                {
                    JobLauncher.delete(kube, job.namespace(), job.names(), true);
                }
                catch (final RuntimeException cleanup)
                {
                    ex.addSuppressed(cleanup);
                }
                throw ex;
            }
            JobLauncher.delete(kube, job.namespace(), job.names(), true);
            return report;
        }
    }

    private JobSpec spec(final int workers, final Path jobFile)
    {
        return JobSpec.of(name + "-w" + workers, namespace, workers, image, jobFile, clusterDomain);
    }

    /** The base's server runs {@code descent ps}; the entrypoint appends {@code DESCENT_ARGS} to its arguments. */
    private static void printReportOnServer(final List<HasMetadata> items)
    {
        for (final HasMetadata item : items)
        {
            if (item instanceof Job ps && ManifestRenderer.isParameterServer(ps))
            {
                PodTemplates.container(ps.getSpec().getTemplate().getSpec()).getEnv()
                    .add(new EnvVar("DESCENT_ARGS", "--print-report", null));
            }
        }
    }

    /**
     * Watches the server's pods (a fabric8 informer on its labels) until one's container has ended, then reads the
     * report line from that container's log.
     */
    private JsonNode awaitReport(final KubeApi kube, final JobSpec job) throws InterruptedException
    {
        final String ns = job.namespace();
        final JobNames names = job.names();
        final CompletableFuture<List<Pod>> ended = kube.call("watching the server pods of job '" + names.job() +
            "' in namespace " + ns, () -> kube.client().pods().inNamespace(ns)
            .withLabels(names.componentLabels(JobNames.PS_COMPONENT))
            .informOnCondition(pods -> pods.stream().anyMatch(KubernetesRunner::hasEnded)));
        final Pod server;
        try
        {
            server = ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS).stream()
                .filter(KubernetesRunner::hasEnded)
                .max(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp())))
                .orElseThrow();
        }
        catch (final TimeoutException ex)
        {
            ended.cancel(true);
            throw new IllegalStateException("job '" + names.job() + "' in namespace " + ns + ": its parameter " +
                "server (Job " + names.ps() + ") had not ended after --k8s-timeout " + timeout.toSeconds() +
                " s; the job was deleted", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("watching the server pods of job '" + names.job() + "' in namespace " +
                ns + " failed: " + ex.getCause(), ex.getCause());
        }
        final ContainerStatus container = container(server);
        final ContainerStateTerminated current = container.getState().getTerminated();
        // A crashed server is restarted in place (restartPolicy OnFailure): then the run is the previous one.
        return null != current ? reportOf(kube, job, server, current, false) :
            reportOf(kube, job, server, container.getLastState().getTerminated(), true);
    }

    /** @return true once the server's container has ended (now, or before a restart). */
    private static boolean hasEnded(final Pod pod)
    {
        final ContainerStatus container = container(pod);
        return null != container && (
            null != container.getState() && null != container.getState().getTerminated() ||
            null != container.getLastState() && null != container.getLastState().getTerminated());
    }

    private static ContainerStatus container(final Pod pod)
    {
        if (null == pod || null == pod.getStatus() || null == pod.getStatus().getContainerStatuses())
        {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
            .filter(c -> PodTemplates.CONTAINER.equals(c.getName())).findFirst().orElse(null);
    }

    private static JsonNode reportOf(
        final KubeApi kube, final JobSpec job, final Pod server, final ContainerStateTerminated ended,
        final boolean previous)
    {
        final JobNames names = job.names();
        final String pod = server.getMetadata().getName();
        if (null == ended.getExitCode() || 0 != ended.getExitCode())
        {
            throw new IllegalStateException("job '" + names.job() + "' in namespace " + job.namespace() +
                ": the parameter server (pod " + pod + ") exited with " + ended.getExitCode() +
                (null == ended.getMessage() ? "" : ": " + ended.getMessage().strip()) + "; the job was deleted");
        }
        final String log = kube.call("reading the log of pod " + pod, () -> previous ?
            kube.client().pods().inNamespace(job.namespace()).withName(pod).inContainer(PodTemplates.CONTAINER)
                .terminated().getLog() :
            kube.client().pods().inNamespace(job.namespace()).withName(pod).inContainer(PodTemplates.CONTAINER)
                .getLog());
        return ReportLine.find(log).orElseThrow(() -> new IllegalStateException("job '" + names.job() +
            "': the parameter server (pod " + pod + ") ended without a '" + ReportLine.PREFIX.strip() +
            "' line in its log; is the image older than 'descent ps --print-report'?"));
    }
}
