package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.k8s.JobNames;
import io.descent.k8s.PodTemplates;
import io.descent.report.JsonReports;
import io.descent.report.ReportLine;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent bench scale --k8s} against fabric8's mock API server (CRUD mode): no pods run there, so each test
 * puts the parameter-server pod its Job would make (under a name of the Job's choosing), in the state it would end in, with the log it would
 * print, and checks what the bench makes of it and that it deletes every job it submitted.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ScaleBenchKubernetesTest
{
    private static final String NS = "bench";

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;
    private Path kubeconfig;

    @BeforeEach
    void setUp() throws IOException
    {
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), String.join("\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: mock, cluster: {server: \"" + client.getConfiguration().getMasterUrl() + "\"}}]",
            "users: [{name: tester, user: {token: secret-token}}]",
            "contexts: [{name: mock, context: {cluster: mock, user: tester, namespace: " + NS + "}}]",
            "current-context: mock",
            ""));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
            .create();
    }

    private Run bench(final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("bench", "scale", "--k8s", "--image",
            "registry.example.com/descent:1.2", "--kubeconfig", kubeconfig.toString(), "--model", "20-16-4",
            "--batch", "16", "--steps", "10"));
        args.addAll(List.of(extra));
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            args.toArray(String[]::new));
        return new Run(code, err.toString());
    }

    record Run(int exitCode, String err)
    {
    }

    @Test
    void shouldBuildTheScalingReportFromEachServersReportLine() throws Exception
    {
        endedServer("scale-w1", true, 0, null, "epoch 2/2 ...\n" + ReportLine.format(report(1, 1200.0)) + "\n" +
            "test loss 0.41 accuracy 88.00%\n");
        // The Job restarted this one in place after it ended: its report is in the previous container's log.
        endedServer("scale-w2", false, 0, null, ReportLine.format(report(2, 2000.0)) + "\n");
        final Path out = dir.resolve("out");
        final List<Job> created = new CopyOnWriteArrayList<>();
        final CountDownLatch twoServers = new CountDownLatch(2);

        final Run run;
        try (Watch watch = client.batch().v1().jobs().inNamespace(NS)
            .withLabel(JobNames.COMPONENT_LABEL, JobNames.PS_COMPONENT).watch(added(created, twoServers)))
        {
            run = bench("--workers", "1,2", "--report-dir", out.toString());
            assertTrue(twoServers.await(10, TimeUnit.SECONDS), "one parameter server per worker count: " + created);
        }

        assertEquals(0, run.exitCode(), run.err());
        final JsonNode json = JsonReports.mapper().readTree(out.resolve("scale.json").toFile());
        assertEquals("k8s", json.get("mode").asText());
        final JsonNode runs = json.get("runs");
        assertEquals(2, runs.size(), json.toString());
        assertEquals("k8s", runs.get(1).get("mode").asText());
        assertEquals(1200.0, runs.get(0).get("samples_per_sec").asDouble(), 1e-9);
        assertEquals(2000.0, runs.get(1).get("samples_per_sec").asDouble(), 1e-9);
        assertEquals(2000.0 / (2 * 1200.0), runs.get(1).get("efficiency").asDouble(), 1e-9);
        assertEquals(0.005, runs.get(1).get("compute_s").asDouble(), 1e-9,
            "mean compute per step over workers, of the measured epoch (the whole run's would be 0.004)");
        assertEquals(0.007, runs.get(1).get("comm_s").asDouble(), 1e-9, "the measured epoch's communication");
        assertEquals(3, Files.readAllLines(out.resolve("scale.csv")).size());

        assertEquals(2, created.size(), created.toString());
        for (final Job ps : created)
        {
            assertEquals("--print-report", PodTemplates.env(PodTemplates.container(ps.getSpec().getTemplate()
                .getSpec()), "DESCENT_ARGS").getValue(), "the server prints its report to its log");
        }
        assertJobDeleted("scale-w1");
        assertJobDeleted("scale-w2");
    }

    @Test
    void shouldFailWithTheServersMessageAndDeleteTheJob()
    {
        endedServer("scale-w1", true, 2, "descent: --config /etc/descent/job.conf: not valid HOCON", "");

        final Run run = bench("--workers", "1,2", "--name", "scale");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("scale-w1-ps-q4z8m") && run.err().contains("exited with 2") &&
            run.err().contains("not valid HOCON"), run.err());
        assertJobDeleted("scale-w1");
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("scale-w2-ps").get(),
            "no run after a failed one");
    }

    /** @return a watcher keeping every server Job created and counting it down on {@code latch}. */
    private static Watcher<Job> added(final List<Job> created, final CountDownLatch latch)
    {
        return new Watcher<>()
        {
            @Override
            public void eventReceived(final Action action, final Job resource)
            {
                if (Action.ADDED == action)
                {
                    created.add(resource);
                    latch.countDown();
                }
            }

            @Override
            public void onClose(final WatcherException cause)
            {
                // A watch that breaks before both servers were seen leaves the latch up: the await fails.
            }
        };
    }

    /**
     * Puts the parameter-server pod of {@code job} with its container ended (or, when not {@code current}, ended and
     * restarted), and serves {@code log} as that container's log.
     */
    private void endedServer(
        final String job, final boolean current, final int exitCode, final String message, final String log)
    {
        final JobNames names = new JobNames(job);
        final String pod = names.ps() + "-q4z8m";
        final var ended = new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withMessage(message)
            .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().build();
        final var running = new ContainerStateBuilder().withNewRunning().endRunning().build();
        client.pods().inNamespace(NS).resource(new PodBuilder()
            .withNewMetadata().withName(pod).withLabels(names.componentLabels(JobNames.PS_COMPONENT))
            .endMetadata()
            .withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("descent").withRestartCount(current ? 0 : 1)
                .withState(current ? ended : running).withLastState(current ? null : ended).build())
            .endStatus().build()).create();
        server.expect().get()
            .withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/log?pretty=false&container=descent" +
                (current ? "" : "&previous=true"))
            .andReturn(200, log).always();
    }

    private void assertJobDeleted(final String job)
    {
        final JobNames names = new JobNames(job);
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName(names.ps()).get());
        assertNull(client.persistentVolumeClaims().inNamespace(NS).withName(names.checkpoints()).get());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName(names.workers()).get());
        assertNull(client.configMaps().inNamespace(NS).withName(names.config()).get());
        assertNull(client.secrets().inNamespace(NS).withName(names.key()).get());
        assertNull(client.services().inNamespace(NS).withName(names.ps()).get());
    }

    /**
     * A parameter server's report as the bench reads it: two epochs of 10 steps, the measured (last) one with
     * per-worker times of 5 ms and 7 ms per step; the warm-up one slower, and the whole run's (4 ms and 6 ms)
     * different.
     */
    private static Map<String, Object> report(final int workers, final double samplesPerSec)
    {
        final Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", "cluster");
        report.put("workers", workers);
        report.put("epochs", List.of(
            Map.of("epoch", 1, "samples_per_sec", samplesPerSec / 2, "steps", 10, "compute_s", 0.1, "comm_s", 0.2),
            Map.of("epoch", 2, "samples_per_sec", samplesPerSec, "steps", 10, "compute_s", 0.05, "comm_s", 0.07)));
        final List<Map<String, Object>> stats = new ArrayList<>();
        for (int rank = 0; rank < workers; rank++)
        {
            stats.add(Map.of("rank", rank, "compute_s", 0.08, "push_s", 0.02, "wait_s", 0.1));
        }
        report.put("worker_stats", stats);
        report.put("server_stats", Map.of("steps", 20));
        return report;
    }
}
