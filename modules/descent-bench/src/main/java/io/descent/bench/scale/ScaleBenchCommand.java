package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.transport.DataPlaneProbe;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.data.shard.TempDirectories;
import io.descent.k8s.ApiOptions;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.train.JobArguments;
import io.descent.transport.wire.ChunkAuth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench scale}: the same job at each worker count (weak scaling: the per-worker batch stays fixed),
 * reporting throughput and efficiency against the smallest count, all measured in one run. The runs go to local
 * processes (default), network namespaces on this machine ({@code --netns}, {@link NetnsRunner}) or a Kubernetes
 * cluster ({@code --k8s}, {@link KubernetesRunner}). The job is the synthetic MLP of {@code --model}, {@code --batch},
 * {@code --steps} sized for each count, or the user's ({@code PRESET | --config FILE}, as {@code train} takes it) the
 * same for every count; {@code --set} and {@code --seed} apply over either. {@code --servers}, {@code --consistency},
 * {@code --auth} and {@code --compression} sweep cluster settings ({@link ScaleSweep}): one row per (settings, count),
 * each row's efficiency against the smallest count of the same settings, and each swept setting's step-time ratio
 * against its first value (a compression's throughput ratio against {@code none}'s) ({@link StepRatio}), and beside
 * a MAC's ratio against {@code none} what that MAC would cost were its CPU time all on the step's path, from its rate
 * measured in the same invocation ({@link MacCpuCost}); {@code --netns --link-rate} shapes every link ({@link LinkRate}).
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = "Weak scaling: the same job at each worker count (local processes, network namespaces with " +
        "--netns, or Kubernetes with --k8s), throughput and efficiency. The job: a synthetic MLP (--model, " +
        "--batch, --steps) sized so every count takes the same steps, or PRESET | --config FILE as train takes it " +
        "(per-worker batch train.batch-size; its last epoch measured); --set and --seed apply to either. " +
        "--servers, --consistency, --auth and --compression LISTs sweep cluster settings: a row per combination and " +
        "count, and each setting's step-time ratio against its first value (a compression's throughput against " +
        "none's).")
public final class ScaleBenchCommand implements Callable<Integer>
{
    private static final List<String> SYNTHETIC_OPTIONS = List.of("--model", "--batch", "--steps", "--warmup-epochs");
    /** The most server shards a local run is given (each is a process of this machine). */
    static final int MAX_LOCAL_SERVERS = 16;

    @Mixin
    private JobArguments jobArguments;

    @Spec
    private CommandSpec spec;

    @Option(names = "--workers", paramLabel = "LIST", description = "worker counts (default: ${DEFAULT-VALUE})")
    private String workers = "1,2";

    @Option(names = "--model", paramLabel = "WIDTHS", description = "MLP widths (default: ${DEFAULT-VALUE})")
    private String model = "784-512-256-10";

    @Option(names = "--batch", paramLabel = "B", description = "examples per worker per step (default: ${DEFAULT-VALUE})")
    private int batch = 256;

    @Option(names = "--threads", paramLabel = "T", description = "BLAS threads per process (default: ${DEFAULT-VALUE})")
    private int threads = 1;

    // 100 steps measured about 1 s: on a shared 2-core host that was mostly start-up transients and neighbours'
    // noise (efficiency swung 0.48..0.74 between runs); 500 steps measure the steady state.
    @Option(names = "--steps", paramLabel = "S", description = "steps per epoch; the epoch after the warm-up is " +
        "measured (default: ${DEFAULT-VALUE})")
    private int steps = 500;

    @Option(names = "--warmup-epochs", paramLabel = "W", description = "epochs of --steps steps trained before the " +
        "measured one (JIT compilation, caches; default: ${DEFAULT-VALUE})")
    private int warmupEpochs = 1;

    @Option(names = "--repeat", paramLabel = "R", description = "runs of each count, interleaved in alternating " +
        "order (1,2,2,1,…) so that the host's drift, or running after another count, hits every count alike; " +
        "each count reports its median run and the range (default: ${DEFAULT-VALUE})")
    private int repeat = 1;

    @Option(names = "--cores-per-worker", paramLabel = "K", description = "local runs only: confine each N-worker " +
        "run (its media driver, parameter server and workers) to the first N×K CPUs this process may use " +
        "(taskset), so that every count gets the same CPUs per worker; 0 leaves every run free to use all of them " +
        "(default: ${DEFAULT-VALUE})")
    private int coresPerWorker = 0;

    @Option(names = { "--auth", "--data-plane-auth" }, paramLabel = "LIST", description = "data-plane " +
        "authentication of every node (descent.cluster.data-plane.auth: auto, hmac-sha256, aes-gmac, " +
        "chacha20-poly1305, none), one row each; every run has a cluster key, so auto is a MAC (this runtime's " +
        "fastest). E.g. --auth none,auto prints the default MAC's step-time " +
        "cost, and beside it that cost were the MAC's CPU time all on the step's path (the bytes MAC'd per step at " +
        "the MAC's rate per CPU-second of one thread, measured after the runs, spread over the cores) (default: the " +
        "nodes' setting)")
    private String auth;

    @Option(names = "--consistency", paramLabel = "LIST", description = "consistency models, one row each " +
        "(descent.cluster.consistency: sync, backup, ssp, async; ssp with staleness " +
        ScaleSettings.DEFAULT_STALENESS + " unless --cluster staleness=K), e.g. sync,ssp,backup (default: the " +
        "nodes' setting, sync)")
    private String consistency;

    @Option(names = "--compression", paramLabel = "LIST", description = "compressions, one row each: GRADIENTS " +
        "(descent.cluster.compression of every node: none, fp16, bf16, threshold; weights float32) or " +
        "GRADIENTS/WEIGHTS (and descent.cluster.weight-compression: none, fp16, bf16, threshold), e.g. " +
        "none,fp16/fp16,threshold/threshold; prints each one's throughput ÷ none's at the same worker count " +
        "(default: the nodes' setting, none)")
    private String compression;

    @Option(names = "--servers", paramLabel = "LIST", description = "parameter-server shards, one row each " +
        "(train --servers S; with --netns each shard in its own namespace), e.g. 1,2 (default: 1)")
    private String servers;

    @Option(names = "--cluster", paramLabel = "KEY=VALUE", description = "a descent.cluster setting every node of " +
        "every run gets, as given (e.g. --cluster backup-workers=1 --cluster staleness=3)")
    private List<String> cluster = new ArrayList<>();

    @Option(names = "--link-rate", paramLabel = "RATE", description = "--netns: shape every node's link to RATE " +
        "both ways (tc tbf on each veth end), e.g. 100mbit, 1gbit, 10gbit (default: unshaped)")
    private String linkRate;

    @Option(names = "--ceiling", description = "after the runs, also run the workers' step arithmetic alone: for " +
        "each count, that many processes on this machine side by side, no server, no network, free-running and " +
        "then in lockstep (a barrier after every step). Reports their weak-scaling efficiency (the ceilings of any " +
        "data-parallel and any synchronous trainer's on this host) and the share of the lockstep one each run " +
        "reached. Then the same beside one more process doing the parameter server's per-step CPU work for the " +
        "count's workers (copy out and check each gradient, fold, update, the weights' broadcast copies and tag), " +
        "the workers adding their own data-plane byte work: the ceilings with the server's work")
    private boolean ceiling;

    @Option(names = "--ceiling-seconds", paramLabel = "S", description = "--ceiling: length of one measured window, " +
        "after a warm-up of --steps steps (default: ${DEFAULT-VALUE})")
    private double ceilingSeconds = 3;

    @Option(names = "--ceiling-rounds", paramLabel = "R", description = "--ceiling: windows per count, interleaved " +
        "(1,2,2,1,…); the median counts (default: ${DEFAULT-VALUE})")
    private int ceilingRounds = 5;

    @Option(names = "--report", paramLabel = "FILE", description = "write {\"runs\":[…]} as JSON")
    private Path report;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "write scale.json, scale.csv and scale.png " +
        "(and the --netns node logs under DIR/logs)")
    private Path reportDir;

    @Option(names = "--netns", description = "run each count as a multi-host job in network namespaces on this " +
        "machine (root; scripts/netns-cluster.sh)")
    private boolean netns;

    @Option(names = "--netns-script", paramLabel = "FILE", description = "scripts/netns-cluster.sh " +
        "(default: the one of the checkout this jar was built in)")
    private Path netnsScript;

    @Option(names = "--mtu", paramLabel = "BYTES", description = "--netns: link MTU between the namespaces, the " +
        "nodes' Aeron frames sized to fit (default: 1500; 9000 for jumbo frames)")
    private Integer mtu;

    @Option(names = "--k8s", description = "run each count as a job on a Kubernetes cluster (needs --image)")
    private boolean k8s;

    @Option(names = "--image", paramLabel = "IMG", description = "--k8s: container image built from deploy/Dockerfile")
    private String image;

    @Option(names = { "-n", "--namespace" }, paramLabel = "NS",
        description = "--k8s: namespace (default: the kubeconfig context's, else default)")
    private String namespace;

    @Option(names = "--name", paramLabel = "NAME", description = "--k8s: job name prefix; the N-worker run is " +
        "NAME-wN (default: ${DEFAULT-VALUE})")
    private String name = "scale";

    @Option(names = "--cluster-domain", paramLabel = "DOMAIN",
        description = "--k8s: the cluster's DNS domain (default: ${DEFAULT-VALUE})")
    private String clusterDomain = "cluster.local";

    @Option(names = "--k8s-timeout", paramLabel = "SECONDS",
        description = "--k8s: longest one run may take, submission to end (default: ${DEFAULT-VALUE})")
    private long k8sTimeoutSeconds = 3600;

    @Mixin
    private ApiOptions api;

    private final BenchHost host;

    /** The command as {@code descent} runs it, on this machine. */
    public ScaleBenchCommand()
    {
        this(BenchHost.system());
    }

    ScaleBenchCommand(final BenchHost host)
    {
        this.host = host;
    }

    @Override
    public Integer call() throws InterruptedException
    {
        final int[] counts = parseCounts();
        final ScaleJob synthetic = ScaleJob.of(model, batch, steps, warmupEpochs);
        checkNamedJob();
        final ScaleJobs job = new ScaleJobs(synthetic, jobArguments);
        final ScaleSweep sweep = ScaleSweep.parse(servers, consistency, auth, compression, cluster, netns ?
            NetnsRunner.MAX_SERVERS : MAX_LOCAL_SERVERS).checkNodesSupport();
        final LinkRate rate = linkRate();
        checkOutputs();
        final Path work = tempDir();
        final List<ScaleRun> runs = new ArrayList<>();
        final List<StepRatio> ratios;
        final List<MacCpuCost> macCpuCosts;
        final ScaleRunner runner;
        final int perWorkerBatch;
        try
        {
            runner = runner(counts, job, sweep, rate, work);
            if (runner.mode().equals("local") && !jobArguments.given())
            {
                // Local nodes run with this JVM's flags, so its heap is theirs.
                synthetic.checkFits(Arrays.stream(counts).max().orElse(1), Runtime.getRuntime().maxMemory());
            }
            perWorkerBatch = job.resolve(counts[counts.length - 1]).train().batchSize();
            final List<StepRatio.Key> rows = new ArrayList<>();
            sweep.combinations().forEach(settings -> Arrays.stream(counts)
                .forEach(count -> rows.add(new StepRatio.Key(settings, count))));
            final Map<StepRatio.Key, List<ScaleRun>> repeats = new LinkedHashMap<>();
            rows.forEach(row -> repeats.put(row, new ArrayList<>()));
            long params = 0;
            for (int round = 0; round < repeat; round++)
            {
                for (final StepRatio.Key row : RunOrder.of(rows, round))
                {
                    final JsonNode result = runner.run(row.workers(), row.settings().forWorkers(row.workers()),
                        job.write(work, row.workers()));
                    params = Math.max(params, result.path("params").asLong(0));
                    repeats.get(row).add(ScaleRun.fromReport(runner.mode(), row.workers(), row.settings(),
                        perWorkerBatch, result));
                }
            }
            final ComputeCeiling ceilings = new ComputeCeiling(threads, steps, ceilingSeconds, ceilingRounds, work);
            final Path ceilingJob = ceiling ? job.write(work, counts[counts.length - 1]) : null;
            final Map<Integer, ComputeCeiling.Throughput> computeOnly = ceiling ?
                ceilings.measure(counts, ceilingJob, System.out) : Map.of();
            // The server's process tags and checks with the chunk tag of the sweep's first row, as its runs' nodes.
            final Map<Integer, ComputeCeiling.Throughput> withServer = ceiling ? ceilings.measure(counts, ceilingJob,
                serverTag(sweep), System.out) : Map.of();
            repeats.forEach((row, each) -> runs.add(ceiling ? ScaleRun.median(each)
                .withComputeOnly(computeOnly.get(row.workers())).withServerWork(withServer.get(row.workers())) :
                ScaleRun.median(each)));
            ratios = StepRatio.of(sweep, repeats);
            // Runs on other machines (k8s) do not share this one's cores or MAC rate: no estimate from here.
            final int messageBytes = (int)Math.min(Integer.MAX_VALUE, params * Float.BYTES);
            macCpuCosts = runner.mode().equals("k8s") ? List.of() : MacCpuCosts.of(sweep, repeats, ratios, params,
                null != rate, mac -> DataPlaneProbe.macBytesPerSec(messageBytes, mac));
        }
        finally
        {
            TempDirectories.deleteQuietly(work);
        }
        final Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("mode", runner.mode());
        setup.put("job", jobArguments.given() ? String.join(" ", jobArguments.toArgs()) : "synthetic");
        if (!jobArguments.given())
        {
            // The synthetic job's shape; a named job's is in its own settings.
            setup.put("model", model);
            setup.put("steps_per_epoch", steps);
            setup.put("warmup_epochs", warmupEpochs);
        }
        setup.put("batch", perWorkerBatch);
        setup.put("threads", threads);
        setup.put("repeats", repeat);
        setup.put("cores_per_worker", coresPerWorker);
        if (netns)
        {
            setup.put("link_rate", null == rate ? "unshaped" : rate.text());
            setup.put("link_rate_bits_per_sec", null == rate ? null : rate.bitsPerSecond());
        }
        if (sweep.given())
        {
            setup.put("sweep", sweep.combinations().stream().map(ScaleSettings::label).toList());
        }
        if (ceiling)
        {
            setup.put("ceiling_seconds", ceilingSeconds);
            setup.put("ceiling_rounds", ceilingRounds);
            setup.put("ceiling_with_server_tag", serverTag(sweep).label());
        }
        final Map<String, Object> json = ScaleOutputs.json(runs, ratios, setup);
        if (!macCpuCosts.isEmpty())
        {
            json.put("mac_cpu_costs", macCpuCosts.stream().map(MacCpuCost::toJson).toList());
        }
        print(runner.mode(), runs, perWorkerBatch, rate);
        ratios.forEach(ratio -> System.out.println(ratio.line()));
        macCpuCosts.forEach(cost -> System.out.println(cost.line()));
        if (null != report)
        {
            JsonReports.writeAtomically(report, json);
        }
        if (null != reportDir)
        {
            ScaleOutputs.writeDirectory(reportDir, runs, json);
        }
        return 0;
    }

    /** Refuses the synthetic job's options next to a named job, which sets those itself. */
    private void checkNamedJob()
    {
        if (!jobArguments.given())
        {
            return;
        }
        for (final String option : SYNTHETIC_OPTIONS)
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(option))
            {
                throw new BadInputException(option + " shapes the synthetic job; with PRESET or --config FILE the " +
                    "job says it: use --set (e.g. --set train.batch-size=256, --set train.epochs=2)");
            }
        }
    }

    /** Picks and checks where the runs go, before any of them starts. */
    private ScaleRunner runner(
        final int[] counts, final ScaleJobs job, final ScaleSweep sweep, final LinkRate rate, final Path work)
    {
        if (netns && k8s)
        {
            throw new BadInputException("--netns and --k8s exclude each other; choose where the runs go");
        }
        if (!k8s && (null != image || null != namespace))
        {
            throw new BadInputException((null != image ? "--image" : "--namespace") + " is only used with --k8s; " +
                "add --k8s to run on Kubernetes");
        }
        if (coresPerWorker < 0)
        {
            throw new BadInputException("--cores-per-worker must be 0 (not confined) or more, got " + coresPerWorker);
        }
        if (coresPerWorker > 0 && (netns || k8s || ceiling))
        {
            throw new BadInputException("--cores-per-worker confines local cluster runs only, not " +
                (netns ? "--netns" : k8s ? "--k8s" : "--ceiling's compute-only processes") + "; run without it");
        }
        if (ceiling && k8s)
        {
            throw new BadInputException("--ceiling measures processes on this machine and does not apply to --k8s; " +
                "run it locally or with --netns");
        }
        if (!(ceilingSeconds > 0) || ceilingRounds < 1)
        {
            throw new BadInputException("--ceiling-seconds must be more than 0 and --ceiling-rounds at least 1, got " +
                ceilingSeconds + " and " + ceilingRounds);
        }
        if (!netns && (null != netnsScript || null != mtu))
        {
            throw new BadInputException((null != mtu ? "--mtu" : "--netns-script") + " is only used with --netns; " +
                "add --netns");
        }
        if (null != mtu && (mtu < NetnsRunner.MIN_MTU || mtu > NetnsRunner.MAX_MTU))
        {
            throw new BadInputException("--mtu " + mtu + " is not a link MTU: use " + NetnsRunner.MIN_MTU + ".." +
                NetnsRunner.MAX_MTU + " bytes, e.g. 1500 or 9000");
        }
        final int largest = counts[counts.length - 1];
        if (netns)
        {
            if (largest > NetnsRunner.MAX_WORKERS)
            {
                throw new BadInputException("--workers " + workers + ": --netns runs at most " +
                    NetnsRunner.MAX_WORKERS + " workers");
            }
            return NetnsRunner.create(host, netnsScript, threads, null == mtu ? NetnsRunner.DEFAULT_MTU : mtu,
                rate, null == reportDir ? work : reportDir.resolve("logs"), work);
        }
        if (k8s)
        {
            if (sweep.given())
            {
                throw new BadInputException("--servers, --consistency, --auth, --compression and --cluster are not " +
                    "passed to Kubernetes runs yet; drop them with --k8s, or run locally or with --netns");
            }
            if (null == image)
            {
                throw new BadInputException("--k8s needs --image IMG, the image built from deploy/Dockerfile " +
                    "(e.g. --image registry.example.com/descent:0.1.0)");
            }
            final KubernetesRunner kube = new KubernetesRunner(api, image, namespace, name, clusterDomain,
                Duration.ofSeconds(k8sTimeoutSeconds));
            kube.check(largest, job.write(work, largest));
            return kube;
        }
        return new LocalRunner(threads, work, coresPerWorker, confinable(largest));
    }

    /** @return the CPUs runs may be confined to, checked for {@code largest} workers (null when not confining). */
    private CpuList confinable(final int largest)
    {
        if (coresPerWorker == 0)
        {
            return null;
        }
        final String cpus = NodeInfo.cpus();
        if (cpus.isEmpty())
        {
            throw new BadInputException("--cores-per-worker needs Linux (the CPU list of /proc/self/status); " +
                "run without it");
        }
        final CpuList allowed = CpuList.parse(cpus);
        if ((long)largest * coresPerWorker > allowed.size())
        {
            throw new BadInputException("--cores-per-worker " + coresPerWorker + ": " + largest + " workers need " +
                (long)largest * coresPerWorker + " CPUs, this process may use " + allowed.size() + " (" + allowed +
                "); lower --cores-per-worker or the largest of --workers");
        }
        if (!host.hasTaskset())
        {
            throw new BadInputException("--cores-per-worker needs 'taskset' (Debian package util-linux) on the PATH");
        }
        return allowed;
    }

    /** @return {@code --link-rate}, checked, or null when not given. */
    private LinkRate linkRate()
    {
        if (null == linkRate)
        {
            return null;
        }
        if (!netns)
        {
            throw new BadInputException("--link-rate shapes the links between network namespaces and is only used " +
                "with --netns; add --netns");
        }
        return LinkRate.parse(linkRate);
    }

    private void print(final String mode, final List<ScaleRun> runs, final int perWorkerBatch, final LinkRate rate)
    {
        System.out.printf("%nmode %s%s, %s, batch %d per worker, %d BLAS thread(s) per process, %s%s%s%n", mode,
            null == rate ? "" : " (links " + rate.text() + ")",
            jobArguments.given() ? "job " + String.join(" ", jobArguments.toArgs()) : "model " + model,
            perWorkerBatch, threads, jobArguments.given() ? "last epoch measured" : steps + " steps measured",
            coresPerWorker > 0 ? ", each run confined to " + coresPerWorker + " CPU(s) per worker" : "",
            repeat > 1 ? ", median of " + repeat + " interleaved runs per count" : "");
        final int width = runs.stream().mapToInt(run -> run.settings().label().length()).max().orElse(0);
        final String settings = width == 0 ? "" : "%-" + Math.max(width, 8) + "s  ";
        final boolean codecs = null != compression;
        final String codec = "%-" + Math.max(11, runs.stream().mapToInt(run -> run.settings().compressionName()
            .length()).max().orElse(0)) + "s  ";
        System.out.println((width == 0 ? "" : String.format(settings, "settings")) +
            (codecs ? String.format(codec, "compression") : "") + "workers  samples/s  efficiency  step ms  compute ms  comm ms" +
            (ceiling ? "  compute only: free samples/s  ceiling  lockstep samples/s  ceiling  efficiency of it" +
                "  with server: free samples/s  ceiling  lockstep samples/s  ceiling  efficiency of it" : "") +
            (repeat > 1 ? "  range of " + repeat + " runs (samples/s)" : ""));
        for (final ScaleRun run : runs)
        {
            final ScaleRun base = run.baselineIn(runs);
            System.out.printf((width == 0 ? "" : String.format(settings, run.settings().label()).replace("%", "%%")) +
                (codecs ? String.format(codec, run.settings().compressionName()) : "") + "%7d  %9.0f  %10.3f  %7.2f  %10.2f  %7.2f%s%s%n", run.workers(), run.samplesPerSec(),
                run.efficiency(base), run.stepSeconds() * 1e3, run.computeSeconds() * 1e3,
                run.commSeconds() * 1e3, ceiling ? String.format("  %28.0f  %7.3f  %18.0f  %7.3f  %16.3f",
                    run.computeOnly().free(), run.ceiling(base), run.computeOnly().lockstep(),
                    run.lockstepCeiling(base), run.efficiency(base) / run.lockstepCeiling(base)) +
                    String.format("  %27.0f  %7.3f  %18.0f  %7.3f  %16.3f", run.withServer().free(),
                    run.ceilingWithServer(base), run.withServer().lockstep(), run.lockstepCeilingWithServer(base),
                    run.efficiency(base) / run.lockstepCeilingWithServer(base)) : "",
                repeat > 1 ? String.format("  %.0f–%.0f", run.minSamplesPerSec(), run.maxSamplesPerSec()) : "");
        }
    }

    /** @return the chunk tag of the sweep's first row's nodes ({@link MacCpuCosts#chunkTag}). */
    private static ChunkAuth serverTag(final ScaleSweep sweep)
    {
        return MacCpuCosts.chunkTag(sweep.combinations().get(0).auth());
    }

    private int[] parseCounts()
    {
        final int[] counts;
        try
        {
            counts = Arrays.stream(workers.split(",")).map(String::trim).mapToInt(Integer::parseInt).sorted().toArray();
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException("--workers '" + workers + "' must be worker counts separated by commas, " +
                "e.g. 1,2,4");
        }
        if (counts.length == 0 || counts[0] < 1)
        {
            throw new BadInputException("--workers '" + workers + "': every count must be at least 1");
        }
        if (repeat < 1)
        {
            throw new BadInputException("--repeat must be at least 1, got " + repeat);
        }
        if (threads < 1)
        {
            throw new BadInputException("--threads must be at least 1, got " + threads);
        }
        return counts;
    }

    private void checkOutputs()
    {
        if (null != report && !Files.isDirectory(report.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--report " + report + ": its directory does not exist; create it first");
        }
        if (null != reportDir)
        {
            try
            {
                Files.createDirectories(reportDir);
            }
            catch (final IOException ex)
            {
                throw new BadInputException("--report-dir " + reportDir + " cannot be created: " + ex.getMessage());
            }
        }
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("descent-scale-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("creating a work directory for the scaling runs", ex);
        }
    }
}
