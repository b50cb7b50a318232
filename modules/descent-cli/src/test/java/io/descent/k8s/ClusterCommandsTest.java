package io.descent.k8s;

import com.typesafe.config.ConfigFactory;
import io.descent.report.JsonReports;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
        assertTrue(run.out().contains("created Job/mnist-ps"), run.out());
        assertTrue(run.out().contains("created PersistentVolumeClaim/mnist-checkpoints"), run.out());
        assertTrue(run.out().contains("submitted job 'mnist' to namespace " + NS), run.out());
        final Job ps = client.batch().v1().jobs().inNamespace(NS).withName("mnist-ps").get();
        final Job workers = client.batch().v1().jobs().inNamespace(NS).withName("mnist-worker").get();
        assertEquals(3, workers.getSpec().getCompletions());
        assertEquals("3", ManifestChecks.env(ps.getSpec().getTemplate(), "DESCENT_WORKERS"));
        assertEquals(1, ps.getSpec().getCompletions());
        assertEquals("mnist-ps-0", ps.getSpec().getTemplate().getSpec().getHostname());
        assertEquals("mnist-ps", ps.getSpec().getTemplate().getSpec().getSubdomain());
        assertEquals("mnist-checkpoints", ps.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> PodTemplates.CHECKPOINT_VOLUME.equals(v.getName())).findFirst().orElseThrow()
            .getPersistentVolumeClaim().getClaimName());
        assertNotNull(client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints").get());
        assertEquals("mnist-ps-0.mnist-ps." + NS + ".svc.cluster.local:2551",
            ManifestChecks.env(workers.getSpec().getTemplate(), "DESCENT_SEED"));
        final String mounted = client.configMaps().inNamespace(NS).withName("mnist-config").get().getData()
            .get(JobNames.CONFIG_KEY);
        assertEquals(JobArguments.of(null, config, List.of(), null).job().raw(),
            JobConfig.from(ConfigFactory.parseString(mounted)).raw(), "the job file, resolved");
        assertNotNull(client.secrets().inNamespace(NS).withName("mnist-key").get());
        assertNotNull(client.services().inNamespace(NS).withName("mnist-ps").get());
        assertEquals(List.of("Ingress"), client.network().v1().networkPolicies().inNamespace(NS)
            .withName("mnist-network").get().getSpec().getPolicyTypes());
    }

    @Test
    void shouldSubmitTheMetricsAccessGiven()
    {
        submit("--metrics-from", "namespace=obs,app=prometheus").assertOk();
        final var policy = client.network().v1().networkPolicies().inNamespace(NS).withName("mnist-network").get();
        final var scrape = NetworkPolicies.metricsRule(policy).getFrom().get(0);
        assertEquals(Map.of("kubernetes.io/metadata.name", "obs"), scrape.getNamespaceSelector().getMatchLabels());
        assertEquals(Map.of("app", "prometheus"), scrape.getPodSelector().getMatchLabels());
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
        assertNull(client.batch().v1().jobs().inNamespace("nowhere").withName("mnist-ps").get());
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
        assertEquals(0, ((Map<?, ?>)starting.get("ps")).get("ready"));

        setStatus("mnist-ps", new JobStatusBuilder().withActive(1).withReady(1).build());
        setStatus("mnist-worker", new JobStatusBuilder().withActive(3).build());
        assertTrue(k8s("status").assertOk().out().startsWith("job 'mnist' in namespace " + NS + ": running"));

        // The workers are done; the server still writes its final checkpoint and report: not yet a success.
        setStatus("mnist-worker", new JobStatusBuilder().withSucceeded(3).withConditions(complete()).build());
        final K8sCli finishing = k8s("status").assertOk();
        assertTrue(finishing.out().startsWith("job 'mnist' in namespace " + NS + ": running"), finishing.out());
        assertTrue(finishing.out().contains("3 succeeded"), finishing.out());

        setStatus("mnist-ps", new JobStatusBuilder().withSucceeded(1).withConditions(complete()).build());
        final K8sCli done = k8s("status").assertOk();
        assertTrue(done.out().startsWith("job 'mnist' in namespace " + NS + ": succeeded"), done.out());
        assertTrue(done.out().contains("parameter server: 0 active, 0 ready, 1 succeeded, 0 failed"), done.out());
    }

    @Test
    void shouldTellWhereTheModelIsAndHowToFetchItOnceTheJobSucceeded() throws IOException
    {
        submit("--save-model").assertOk();
        final String running = k8s("status").assertOk().out();
        assertTrue(running.contains("  model: written to " + JobSpec.MODEL_DIR +
            " on PersistentVolumeClaim/mnist-checkpoints when the job succeeds"), running);
        assertTrue(!running.contains("kubectl"), running);

        setStatus("mnist-ps", new JobStatusBuilder().withSucceeded(1).withConditions(complete()).build());
        final String done = k8s("status").assertOk().out();
        final List<String> fetch = ModelFetch.commands(new JobNames("mnist"), NS, "registry.example.com/descent:1.2",
            JobSpec.MODEL_DIR);
        assertTrue(done.contains("  model: " + JobSpec.MODEL_DIR + " on PersistentVolumeClaim/mnist-checkpoints; " +
            "fetch it with:\n    " + String.join("\n    ", fetch) + "\n"), done);
        assertEquals("kubectl -n " + NS + " cp mnist-fetch-model:" + JobSpec.MODEL_DIR + " ./model", fetch.get(2));
        assertTrue(fetch.get(0).startsWith("kubectl -n " + NS + " run mnist-fetch-model --restart=Never " +
            "--image=registry.example.com/descent:1.2 --overrides='"), fetch.get(0));
        final Pod pod = new KubernetesSerialization().unmarshal(fetch.get(0).substring(
            fetch.get(0).indexOf('\'') + 1, fetch.get(0).length() - 1), Pod.class);
        assertEquals("mnist-checkpoints", pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals(JobSpec.CHECKPOINT_MOUNT, pod.getSpec().getContainers().get(0).getVolumeMounts().get(0)
            .getMountPath());

        final Map<?, ?> json = JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(), Map.class);
        final Map<?, ?> model = (Map<?, ?>)json.get("model");
        assertEquals(JobSpec.MODEL_DIR, model.get("path"));
        assertEquals("mnist-checkpoints", model.get("claim"));
        assertEquals(fetch, model.get("fetch"));
    }

    @Test
    void shouldSayNothingOfAModelTheJobDoesNotSave() throws IOException
    {
        submit().assertOk();
        setStatus("mnist-ps", new JobStatusBuilder().withSucceeded(1).withConditions(complete()).build());
        assertTrue(!k8s("status").assertOk().out().contains("model"));
        assertNull(JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(), Map.class).get("model"));
    }

    @Test
    void shouldSubmitAPresetWithOverridesAsTrainTakesIt()
    {
        K8sCli.run("k8s", "submit", "regression", "--set", "train.epochs=2", "--seed", "3", "--workers", "1",
            "--image", "descent:0.1.0", "--name", "reg", "--kubeconfig", kubeconfig.toString()).assertOk();
        final JobConfig job = JobConfig.from(ConfigFactory.parseString(client.configMaps().inNamespace(NS)
            .withName("reg-config").get().getData().get(JobNames.CONFIG_KEY)));
        assertEquals(JobArguments.of("regression", null, List.of("train.epochs=2"), 3L).job().raw(), job.raw());
    }

    @Test
    void shouldTakeTheServerJobsCompletionAsTheJobsSuccessAndItsFailureAsFailure() throws IOException
    {
        submit().assertOk();
        // A server restarted after success exits 0 at once: its Job completes even with workers still listed.
        setStatus("mnist-worker", new JobStatusBuilder().withActive(1).withSucceeded(2).build());
        setStatus("mnist-ps", new JobStatusBuilder().withSucceeded(1).withConditions(complete()).build());
        assertEquals("succeeded", JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(),
            Map.class).get("state"));

        setStatus("mnist-ps", new JobStatusBuilder().withFailed(1).withConditions(new JobConditionBuilder()
            .withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build()).build());
        final Map<?, ?> failed = JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(), Map.class);
        assertEquals("failed", failed.get("state"));
        assertEquals(1, ((Map<?, ?>)failed.get("ps")).get("failed"));
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition complete()
    {
        return new JobConditionBuilder().withType("Complete").withStatus("True").build();
    }

    private void setStatus(final String name, final io.fabric8.kubernetes.api.model.batch.v1.JobStatus status)
    {
        final Job job = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
        job.setStatus(status);
        client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
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
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("mnist-ps-x7k2p")
            .withLabels(new JobNames("mnist").componentLabels(JobNames.PS_COMPONENT)).endMetadata().build()).create();
        expectLog("mnist-ps-x7k2p", "epoch 1 validation accuracy 0.84\n");
        expectLog("mnist-worker-1-abcde", "rank 1: 1200 samples/s\n");

        final String all = k8s("logs", "--tail", "20").assertOk().out();
        final int server = all.indexOf("==> mnist-ps-x7k2p <==\nepoch 1 validation accuracy 0.84");
        final int worker = all.indexOf("==> mnist-worker-1-abcde <==\nrank 1: 1200 samples/s");
        assertTrue(server >= 0 && worker > server, all);

        final String one = k8s("logs", "--rank", "1", "--tail", "20").assertOk().out();
        assertTrue(one.contains("rank 1: 1200 samples/s") && !one.contains("mnist-ps-x7k2p"), one);
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
        final K8sCli deleted = k8s("delete").assertOk();
        assertTrue(deleted.out().contains("deleted Job/mnist-worker"), deleted.out());
        assertTrue(deleted.out().contains("deleted Job/mnist-ps"), deleted.out());
        assertTrue(deleted.out().contains("kept PersistentVolumeClaim/mnist-checkpoints"), deleted.out());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("mnist-worker").get());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("mnist-ps").get());
        assertNull(client.configMaps().inNamespace(NS).withName("mnist-config").get());
        assertNull(client.secrets().inNamespace(NS).withName("mnist-key").get());
        assertTrue(deleted.out().contains("deleted NetworkPolicy/mnist-network"), deleted.out());
        assertNull(client.network().v1().networkPolicies().inNamespace(NS).withName("mnist-network").get());
        assertNull(client.services().inNamespace(NS).withName("mnist-ps").get());
        assertNotNull(client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints").get());
        k8s("status").assertBadInput("no job 'mnist' in namespace " + NS);

        k8s("delete").assertBadInput("no job 'mnist'", "--checkpoints");
        k8s("delete", "--checkpoints").assertOk();
        assertNull(client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints").get());
        k8s("delete").assertBadInput("no job 'mnist' in namespace " + NS);
    }

    /** {@code --servers 2}: the shard's Job and claim are submitted, its state shown, and deleted with the job. */
    @Test
    void shouldSubmitShowAndDeleteEveryServerShard() throws IOException
    {
        final K8sCli run = submit("--servers", "2").assertOk();
        assertTrue(run.out().contains("created Job/mnist-ps-1"), run.out());
        assertTrue(run.out().contains("created PersistentVolumeClaim/mnist-checkpoints-1"), run.out());
        assertNotNull(client.batch().v1().jobs().inNamespace(NS).withName("mnist-ps-1").get());

        setStatus("mnist-ps-1", new JobStatusBuilder().withActive(1).withReady(1).build());
        final String status = k8s("status").assertOk().out();
        assertTrue(status.contains("server shard mnist-ps-1: 1 active, 1 ready"), status);
        final Map<?, ?> json = JsonReports.mapper().readValue(k8s("status", "--json").assertOk().out(), Map.class);
        assertEquals("mnist-ps-1", ((Map<?, ?>)((List<?>)json.get("shards")).get(0)).get("name"));
        setStatus("mnist-ps-1", new JobStatusBuilder().withFailed(7).withConditions(new JobConditionBuilder()
            .withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build()).build());
        assertTrue(k8s("status").assertOk().out().startsWith("job 'mnist' in namespace " + NS + ": failed"),
            "a failed shard fails the job");

        final K8sCli deleted = k8s("delete", "--checkpoints").assertOk();
        assertTrue(deleted.out().contains("deleted Job/mnist-ps-1"), deleted.out());
        assertNull(client.batch().v1().jobs().inNamespace(NS).withName("mnist-ps-1").get());
        assertNull(client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints-1").get());
    }

    @Test
    void shouldDeleteTheServerStatefulSetOfAJobSubmittedByAnEarlierVersion()
    {
        final JobNames names = new JobNames("mnist");
        client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder().withNewMetadata()
            .withName(names.ps()).withLabels(names.componentLabels(JobNames.PS_COMPONENT)).endMetadata()
            .withNewSpec().withServiceName(names.ps()).endSpec().build()).create();
        submit().assertBadInput("'mnist' already exists");
        final K8sCli deleted = k8s("delete").assertOk();
        assertTrue(deleted.out().contains("deleted StatefulSet/mnist-ps"), deleted.out());
        assertNull(client.apps().statefulSets().inNamespace(NS).withName(names.ps()).get());
        submit().assertOk();
    }

    @Test
    void shouldReuseTheKeptCheckpointsWhenTheJobIsSubmittedAgain()
    {
        submit().assertOk();
        client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints")
            .edit(c -> { c.getMetadata().getAnnotations().put("test/first-run", "yes"); return c; });
        k8s("delete").assertOk();
        final K8sCli again = submit().assertOk();
        assertTrue(again.out().contains("reused PersistentVolumeClaim/mnist-checkpoints"), again.out());
        assertTrue(again.out().contains("created Job/mnist-ps"), again.out());
        assertEquals("yes", client.persistentVolumeClaims().inNamespace(NS).withName("mnist-checkpoints").get()
            .getMetadata().getAnnotations().get("test/first-run"),
            "the same claim, not a new one: the new server resumes from its checkpoints");
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
