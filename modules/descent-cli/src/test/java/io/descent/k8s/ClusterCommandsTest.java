package io.descent.k8s;

import io.descent.report.JsonReports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent k8s submit|status|logs|delete} against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterCommandsTest
{
    private static final String NS = "team-a";

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;
    private Path kubeconfig;
    private Path config;

    @BeforeEach
    void setUp() throws IOException
    {
        kubeconfig = writeKubeconfig(client.getConfiguration().getMasterUrl());
        config = Files.writeString(dir.resolve("job.conf"), ManifestChecks.JOB);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
            .create();
    }

    private Path writeKubeconfig(final String url) throws IOException
    {
        return Files.writeString(dir.resolve("kubeconfig-" + url.hashCode()), String.join("\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: mock, cluster: {server: \"" + url + "\"}}]",
            "users: [{name: tester, user: {token: secret-token}}]",
            "contexts: [{name: mock, context: {cluster: mock, user: tester, namespace: " + NS + "}}]",
            "current-context: mock",
            ""));
    }

    private K8sCli submit(final String... extra)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("k8s", "submit", "--workers", "3", "--image",
            "registry.example.com/descent:1.2", "--config", config.toString(), "--name", "mnist",
            "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(extra));
        return K8sCli.run(args.toArray(String[]::new));
    }

    private K8sCli k8s(final String command, final String... extra)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("k8s", command, "--name", "mnist",
            "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(extra));
        return K8sCli.run(args.toArray(String[]::new));
    }

    @Test
    void shouldCreateEveryResourceOfTheJobInTheContextsNamespace()
    {
        final K8sCli run = submit().assertOk();
        assertTrue(run.out().contains("created Job/mnist-worker"), run.out());
        assertTrue(run.out().contains("submitted job 'mnist' to namespace " + NS), run.out());
        final StatefulSet ps = client.apps().statefulSets().inNamespace(NS).withName("mnist-ps").get();
        final Job workers = client.batch().v1().jobs().inNamespace(NS).withName("mnist-worker").get();
        assertEquals(3, workers.getSpec().getCompletions());
        assertEquals("3", ManifestChecks.env(ps.getSpec().getTemplate(), "DESCENT_WORKERS"));
        assertEquals("mnist-ps-0.mnist-ps." + NS + ".svc.cluster.local:2551",
            ManifestChecks.env(workers.getSpec().getTemplate(), "DESCENT_SEED"));
        assertEquals(ManifestChecks.JOB, client.configMaps().inNamespace(NS).withName("mnist-config").get()
            .getData().get(JobNames.CONFIG_KEY));
        assertNotNull(client.secrets().inNamespace(NS).withName("mnist-key").get());
        assertNotNull(client.services().inNamespace(NS).withName("mnist-ps").get());
    }

    @Test
    void shouldRefuseToSubmitAJobThatAlreadyExists()
    {
        submit().assertOk();
        submit().assertBadInput("'mnist' already exists", "descent k8s delete");
    }

    @Test
    void shouldRefuseAnUnknownNamespace()
    {
        submit("--namespace", "nowhere").assertBadInput("namespace 'nowhere' does not exist");
        assertNull(client.apps().statefulSets().inNamespace("nowhere").withName("mnist-ps").get());
    }

    @Test
    void shouldReportTheStateOfASubmittedJob() throws IOException
    {
        submit().assertOk();
        final Map<?, ?> starting = JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(),
            Map.class);
        assertEquals("starting", starting.get("state"));
        assertEquals(NS, starting.get("namespace"));
        assertEquals(3, ((Map<?, ?>)starting.get("workers")).get("completions"));
        assertEquals(1, ((Map<?, ?>)starting.get("ps")).get("replicas"));

        final Job job = client.batch().v1().jobs().inNamespace(NS).withName("mnist-worker").get();
        job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(3)
            .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
        final K8sCli done = k8s("status").assertOk();
        assertTrue(done.out().startsWith("job 'mnist' in namespace " + NS + ": succeeded"), done.out());
        assertTrue(done.out().contains("3 succeeded"), done.out());
    }

    @Test
    void shouldShowWhyAWorkerPodEnded()
    {
        submit().assertOk();
        client.pods().inNamespace(NS).resource(workerPod(1, "descent: config file /etc/descent/job.conf is not " +
            "valid HOCON")).create();
        final K8sCli run = k8s("status").assertOk();
        final String line = run.out().lines().filter(l -> l.contains("mnist-worker-1")).findFirst().orElseThrow();
        assertTrue(line.contains("worker 1") && line.contains("restarts 3") && line.contains("CrashLoopBackOff") &&
            line.contains("not valid HOCON"), line);
    }

    private static Pod workerPod(final int rank, final String message)
    {
        return new PodBuilder()
            .withNewMetadata().withName("mnist-worker-" + rank + "-abcde")
            .withLabels(new JobNames("mnist").componentLabels(JobNames.WORKER_COMPONENT))
            .addToAnnotations(StatusReader.INDEX_ANNOTATION, Integer.toString(rank)).endMetadata()
            .withNewSpec().addNewContainer().withName("descent").withImage("descent:0.1.0").endContainer().endSpec()
            .withNewStatus().withPhase("Running").addNewContainerStatus().withName("descent").withReady(false)
            .withRestartCount(3)
            .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
            .withNewLastState().withNewTerminated().withExitCode(2).withReason("Error").withMessage(message + "\n")
            .endTerminated().endLastState()
            .endContainerStatus().endStatus()
            .build();
    }

    @Test
    void shouldPrintTheLogsOfTheJobsPodsServerFirst()
    {
        client.pods().inNamespace(NS).resource(workerPod(1, "boom")).create();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("mnist-ps-0")
            .withLabels(new JobNames("mnist").componentLabels(JobNames.PS_COMPONENT)).endMetadata().build()).create();
        expectLog("mnist-ps-0", "epoch 1 validation accuracy 0.84\n");
        expectLog("mnist-worker-1-abcde", "rank 1: 1200 samples/s\n");

        final String all = k8s("logs", "--tail", "20").assertOk().out();
        final int server = all.indexOf("==> mnist-ps-0 <==\nepoch 1 validation accuracy 0.84");
        final int worker = all.indexOf("==> mnist-worker-1-abcde <==\nrank 1: 1200 samples/s");
        assertTrue(server >= 0 && worker > server, all);

        final String one = k8s("logs", "--rank", "1", "--tail", "20").assertOk().out();
        assertTrue(one.contains("rank 1: 1200 samples/s") && !one.contains("mnist-ps-0"), one);
        k8s("logs", "--rank", "7").assertBadInput("no pods of job 'mnist' rank 7");
    }

    private void expectLog(final String pod, final String log)
    {
        server.expect().get()
            .withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/log?pretty=false&container=descent&tailLines=20")
            .andReturn(200, log).always();
    }

    @Test
    void shouldDeleteTheJobButKeepItsCheckpointsUnlessAsked()
    {
        submit().assertOk();
        client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
            .withNewMetadata().withName("checkpoints-mnist-ps-0")
            .withLabels(new JobNames("mnist").componentLabels(JobNames.PS_COMPONENT)).endMetadata()
            .build()).create();
        final K8sCli deleted = k8s("delete").assertOk();
        assertTrue(deleted.out().contains("deleted Job/mnist-worker"), deleted.out());
        assertTrue(deleted.out().contains("kept PersistentVolumeClaim/checkpoints-mnist-ps-0"), deleted.out());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("mnist-worker").get());
        assertNull(client.apps().statefulSets().inNamespace(NS).withName("mnist-ps").get());
        assertNull(client.configMaps().inNamespace(NS).withName("mnist-config").get());
        assertNull(client.secrets().inNamespace(NS).withName("mnist-key").get());
        assertNull(client.services().inNamespace(NS).withName("mnist-ps").get());
        assertNotNull(client.persistentVolumeClaims().inNamespace(NS).withName("checkpoints-mnist-ps-0").get());
        k8s("status").assertBadInput("no job 'mnist' in namespace " + NS);

        k8s("delete").assertBadInput("no job 'mnist'", "--checkpoints");
        k8s("delete", "--checkpoints").assertOk();
        assertNull(client.persistentVolumeClaims().inNamespace(NS).withName("checkpoints-mnist-ps-0").get());
        k8s("delete").assertBadInput("no job 'mnist' in namespace " + NS);
    }

    @Test
    void shouldFailInOneLineWhenTheApiServerIsUnreachable() throws IOException
    {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }
        kubeconfig = writeKubeconfig("http://127.0.0.1:" + closedPort);
        submit().assertBadInput("cannot reach the Kubernetes API server", "127.0.0.1:" + closedPort,
            "connection refused");
        k8s("status").assertBadInput("cannot reach the Kubernetes API server");
        k8s("logs").assertBadInput("cannot reach the Kubernetes API server");
        k8s("delete").assertBadInput("cannot reach the Kubernetes API server");
    }

    @Test
    void shouldRefuseAMissingKubeconfig()
    {
        K8sCli.run("k8s", "status", "--kubeconfig", dir.resolve("none").toString())
            .assertBadInput("--kubeconfig", "none");
    }

    @Test
    void shouldCheckTheJobBeforeContactingTheCluster()
    {
        K8sCli.run("k8s", "submit", "--workers", "0", "--image", "descent:0.1.0", "--config", config.toString(),
            "--kubeconfig", kubeconfig.toString()).assertBadInput("--workers 0");
        K8sCli.run("k8s", "submit", "--workers", "2", "--image", "", "--config", config.toString(),
            "--kubeconfig", kubeconfig.toString()).assertBadInput("--image");
        K8sCli.run("k8s", "submit", "--workers", "2", "--image", "descent:0.1.0", "--config",
            dir.resolve("missing.conf").toString(), "--kubeconfig", kubeconfig.toString())
            .assertBadInput("missing.conf");
    }

    @Test
    void shouldRefuseStatusOfAnUnknownJob()
    {
        k8s("status").assertBadInput("no job 'mnist' in namespace " + NS);
        k8s("logs").assertBadInput("no pods of job 'mnist'");
        k8s("logs", "--role", "boss").assertBadInput("--role 'boss'");
    }

    @Test
    void shouldKeepTheConfigMapAsRendered()
    {
        submit().assertOk();
        final ConfigMap map = client.configMaps().inNamespace(NS).withName("mnist-config").get();
        assertEquals(new JobNames("mnist").jobLabels(), map.getMetadata().getLabels());
    }
}
