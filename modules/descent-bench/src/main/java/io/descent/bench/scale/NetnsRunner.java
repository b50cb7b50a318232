package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.transport.UdpPairCommand;
import io.descent.bench.transport.UdpPath;
import io.descent.cluster.local.JavaCommand;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Each run as a multi-host job on this machine: {@code scripts/netns-cluster.sh} puts the parameter server and every
 * worker in a network namespace of its own (own IP; Akka TCP and Aeron UDP between distinct addresses), runs the job,
 * and deletes the namespaces. Every node runs this JVM's java, flags and class path, so no build happens per run.
 * The script's output is shown here and kept, with the node logs, in {@code LOGS/netns-N[-SETTINGS]/}. A run's
 * cluster settings go to every node ({@code --cluster KEY=VALUE} after the job), its server shards to the script
 * ({@code --servers S}: each shard in a namespace of its own), and a {@link LinkRate} shapes every veth
 * ({@code --link-qdisc}).
 */
final class NetnsRunner implements ScaleRunner
{
    /** Where the script lives relative to the checkout the jar (or classes directory) was built in. */
    private static final String SCRIPT = "scripts/netns-cluster.sh";
    /** The script refuses more (its subnet has room for 200 workers). */
    static final int MAX_WORKERS = 200;
    /** The links' MTU unless told otherwise: Ethernet's. */
    static final int DEFAULT_MTU = 1500;
    /** The link MTUs the script accepts. */
    static final int MIN_MTU = 576;
    static final int MAX_MTU = 65535;
    /** The script's subnet has addresses for this many server shards. */
    static final int MAX_SERVERS = 9;

    private final Path script;
    private final int threads;
    private final int mtu;
    private final Path logs;
    private final Path nodeCommand;
    private final LinkRate linkRate;

    NetnsRunner(
        final Path script, final int threads, final int mtu, final LinkRate linkRate, final Path logs,
        final Path nodeCommand)
    {
        this.script = script;
        this.threads = threads;
        this.mtu = mtu;
        this.linkRate = linkRate;
        this.logs = logs;
        this.nodeCommand = nodeCommand;
    }

    /**
     * Checks the machine and the script before any run.
     *
     * @param host    this machine's abilities.
     * @param script  the script given with {@code --netns-script}, or null to find it beside the build.
     * @param threads BLAS threads per node.
     * @param mtu     the links' MTU (the script sizes the nodes' Aeron frames to fit).
     * @param linkRate every link's rate, or null for unshaped links.
     * @param logs    directory for the node logs, one sub-directory per run.
     * @param work    scratch directory (the node launcher goes there).
     * @return a runner.
     * @throws BadInputException without root, without {@code ip netns} or without the script.
     */
    static NetnsRunner create(
        final BenchHost host, final Path script, final int threads, final int mtu, final LinkRate linkRate,
        final Path logs, final Path work)
    {
        host.requireNetns();
        final Path found = null != script ? script : findScript();
        if (!Files.isRegularFile(found))
        {
            throw new BadInputException((null != script ? "--netns-script " : "") + found + " does not exist; " +
                "give the path of " + SCRIPT + " with --netns-script FILE");
        }
        return new NetnsRunner(found.toAbsolutePath(), threads, mtu, linkRate, logs, writeNodeCommand(work));
    }

    @Override
    public String mode()
    {
        return "netns";
    }

    @Override
    public JsonNode run(final int workers, final ScaleSettings settings, final Path jobFile)
        throws InterruptedException
    {
        final Path dir = logDir(workers, settings);
        runScript(command(workers, settings, jobFile), dir, "the " + workers + "-worker netns run");
        return ScaleRunner.readReport(dir.resolve("report.json"));
    }

    /**
     * Measures UDP between two namespaces wired and shaped as a run's (the script's {@code --pair}: its network with
     * one worker, one flow into each link): {@code bench udp-pair} receiving in the server's namespace and sending
     * from the worker's, each a JVM like the nodes'.
     *
     * @param bytes the message size.
     * @param dir   where the two ends meet and the script's output and their logs go.
     * @return what the receiver measured ({@link UdpPairCommand#RESULT}).
     */
    UdpPath udpPair(final int bytes, final Path dir) throws InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--pair", "--mtu",
            String.valueOf(mtu)));
        if (null != linkRate)
        {
            command.addAll(List.of("--link-qdisc", String.join(" ", linkRate.qdisc(mtu, 1))));
        }
        // A shaped pair's warm-up is bounded by time: at 100 Mbit/s the unshaped pair's 1.5 GB would take 120 s.
        final double linkBytesPerSec = null == linkRate ? Double.POSITIVE_INFINITY : linkRate.bitsPerSecond() / 8.0;
        command.addAll(List.of("--log-dir", dir.toString(), "--", "bench", "udp-pair", "--bytes",
            String.valueOf(bytes), "--warmup", String.valueOf(UdpPairCommand.warmUp(bytes,
                UdpPairCommand.DEFAULT_REPEATS, linkBytesPerSec)), "--dir", dir.toString()));
        try
        {
            Files.createDirectories(dir);
            UdpPairCommand.clear(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("clearing the UDP pair's directory " + dir, ex);
        }
        runScript(command, dir, "the netns UDP pair");
        try
        {
            return UdpPath.fromJson(JsonReports.mapper().readTree(dir.resolve(UdpPairCommand.RESULT).toFile()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading the UDP pair's measurement in " + dir, ex);
        }
    }

    /** Runs the script with the nodes' launcher and BLAS threads, showing its output and keeping it in {@code dir}. */
    private void runScript(final List<String> command, final Path dir, final String what) throws InterruptedException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("DESCENT_NODE_CMD", nodeCommand.toString());
        JavaCommand.blasThreads(builder.environment(), threads);
        final int code;
        try
        {
            Files.createDirectories(dir);
            final Process process = builder.start();
            try
            {
                echo(process, dir.resolve("script.out"));
                code = process.waitFor();
            }
            finally
            {
                // Interrupted (Ctrl-C) or failed: TERM makes the script stop its nodes and delete its namespaces.
                if (process.isAlive())
                {
                    process.destroy();
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("running " + script + " for " + what, ex);
        }
        if (code != 0)
        {
            throw new IllegalStateException(what + " exited with " + code + "; the script's output and the node " +
                "logs are in " + dir);
        }
    }

    /** @return where the run of {@code workers} workers with {@code settings} keeps its logs and report. */
    Path logDir(final int workers, final ScaleSettings settings)
    {
        return logs.resolve("netns-" + workers + settings.slug()).toAbsolutePath();
    }

    /**
     * @return the script's command line for one run: the links, the server shards, then the job with the run's
     * cluster settings, which the script gives to every node.
     */
    List<String> command(final int workers, final ScaleSettings settings, final Path jobFile)
    {
        final Path dir = logDir(workers, settings);
        final List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--workers",
            String.valueOf(workers), "--mtu", String.valueOf(mtu)));
        if (settings.sharded())
        {
            command.addAll(List.of("--servers", String.valueOf(settings.servers())));
        }
        if (null != linkRate)
        {
            command.addAll(List.of("--link-qdisc", String.join(" ", linkRate.qdisc(mtu, Math.max(workers,
                settings.servers())))));
        }
        command.addAll(List.of("--report", dir.resolve("report.json").toString(), "--log-dir", dir.toString(), "--",
            "--config", jobFile.toString()));
        command.addAll(settings.clusterArgs());
        return command;
    }

    /** Shows the script's output as it comes and keeps a copy in {@code file}. */
    private static void echo(final Process process, final Path file) throws IOException
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
            BufferedWriter copy = Files.newBufferedWriter(file))
        {
            for (String line = in.readLine(); null != line; line = in.readLine())
            {
                System.out.println(line);
                copy.write(line);
                copy.newLine();
            }
        }
    }

    private static Path findScript()
    {
        try
        {
            // modules/descent-bench/target/classes, or modules/descent-cli/target/lib/descent-bench-*.jar (the
            // launcher's class path): up to five levels below the checkout.
            Path dir = Path.of(NetnsRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (int up = 0; up < 6 && null != dir; up++, dir = dir.getParent())
            {
                if (Files.isRegularFile(dir.resolve(SCRIPT)))
                {
                    return dir.resolve(SCRIPT);
                }
            }
        }
        catch (final URISyntaxException | SecurityException ex)
        {
            throw new BadInputException("cannot tell where this build lives (" + ex.getMessage() + "); give the " +
                "path of " + SCRIPT + " with --netns-script FILE", ex);
        }
        return Path.of(SCRIPT).toAbsolutePath();
    }

    /** Writes the script's {@code DESCENT_NODE_CMD}: this JVM's java command line, then the node's arguments. */
    private static Path writeNodeCommand(final Path work)
    {
        final StringBuilder text = new StringBuilder("#!/bin/sh\nexec");
        for (final String word : JavaCommand.thisJvm(List.of()))
        {
            text.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        text.append(" \"$@\"\n");
        final Path file = work.resolve("descent-node");
        try
        {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the node launcher " + file, ex);
        }
        return file;
    }
}
