package io.descent.bench.transport;

import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveListener;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.FastestMac;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code descent bench udp-pair} (hidden; {@code scripts/netns-cluster.sh --pair} starts it in two namespaces): one
 * end of a stream of messages through Descent's chunked sender and receiver over UDP, tagged with the MAC the nodes
 * use ({@link FastestMac}), each end in a process of its own with its own embedded media driver, as two nodes are.
 * The receiver ({@code --receive-at IP}) listens on IP:{@value #PORT}; the sender ({@code --send-to IP}) sends
 * {@code --warmup} then {@code --repeats} messages of {@code --bytes} back to back. They meet through files in
 * {@code --dir} (the namespaces share the file system): the sender's session id, the receiver's readiness (session
 * bound, every message's slot registered), the receiver's end of the window and the sender's CPU time. The receiver
 * writes {@value #RESULT} ({@link UdpPath}, and each end's CPU time by thread name, {@link ThreadCpu}): the timed window from the last warm-up message's completion to the last
 * message's, its own CPU time and the host's busy CPU time over it, and the sender's CPU time from its first timed
 * send until it saw the receiver done.
 */
@Command(name = "udp-pair", hidden = true, mixinStandardHelpOptions = true,
    description = "One end of a UDP stream between two namespaces (started by bench model --validate).")
public final class UdpPairCommand implements Callable<Integer>
{
    /** The receiver's port: the one netns-cluster.sh gives the parameter server's Aeron endpoint. */
    static final int PORT = 40123;
    /** The receiver's measurement, in {@code --dir}. */
    public static final String RESULT = "pair.json";
    private static final String SESSION = "sender.session";
    private static final String READY = "receiver.ready";
    private static final String DONE = "receiver.done";
    private static final String SENDER_CPU = "sender.cpu";
    private static final String SENDER_THREADS = "sender.threads";
    private static final int STREAM_ID = 7100;
    /** Messages of a pair at most: every one's slot is registered up front (descent.transport's max-slots is 1024). */
    static final int MAX_MESSAGES = 1000;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    /** How often a file the other end writes is looked for: the waits are outside the timed window but one. */
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * Bytes the default warm-up moves: with 10 messages of 23 MB (233 MB) a third of each end's CPU in the window was
     * still in the JVM's own threads (the JIT), with 60 (1.4 GB) none was (lab notes 2026-12-07e, contend part 2).
     */
    static final long WARM_UP_BYTES = 1_500_000_000L;
    static final int MIN_WARM_UP = 10;
    /**
     * The longest a shaped link's warm-up may take: 1.5 GB is 12 s at 1 Gbit/s but 120 s, the pair's whole timeout, at
     * 100 Mbit/s, where a pair is link-bound and its CPU per byte is not what it measures.
     */
    static final double MAX_WARM_UP_SECONDS = 15.0;
    /** The timed messages unless {@code --repeats} says otherwise. */
    public static final int DEFAULT_REPEATS = 15;
    /** The message contents, the same at both ends, so that the receiver can check what it got. */
    private static final long CONTENT_SEED = 19L;

    /**
     * Removes what an earlier pair left in {@code dir}, so that the next pair's ends do not read its files.
     *
     * @param dir the meeting directory.
     */
    public static void clear(final Path dir) throws IOException
    {
        for (final String name : new String[] { SESSION, READY, DONE, SENDER_CPU, SENDER_THREADS, RESULT })
        {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    /** Which end this process is. */
    static final class End
    {
        @Option(names = "--receive-at", paramLabel = "IP", required = true, description = "receive on IP:" + PORT)
        String receiveAt;

        @Option(names = "--send-to", paramLabel = "IP", required = true, description = "send to IP:" + PORT)
        String sendTo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private End end;

    @Option(names = "--bytes", paramLabel = "B", required = true, description = "message size")
    private int bytes;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "0", description = "untimed messages first; 0 " +
        "(default): enough to move " + WARM_UP_BYTES / 1_000_000 + " MB, at least " + MIN_WARM_UP + "")
    private int warmup;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "" + DEFAULT_REPEATS, description = "timed messages")
    private int repeats;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "where the two ends meet")
    private Path dir;

    @Option(names = "--exit-with-parent", description = "accepted as nodes accept it; the script stops both ends")
    private boolean exitWithParent;

    @Override
    public Integer call() throws Exception
    {
        if (bytes < Float.BYTES || warmup < 0 || repeats < 1 || repeats > MAX_MESSAGES - MIN_WARM_UP)
        {
            throw new BadInputException("udp-pair needs --bytes >= 4, --warmup >= 0, --repeats >= 1 and at most " +
                MAX_MESSAGES + " messages");
        }
        warmup = 0 == warmup ? warmUp(bytes, repeats) : Math.min(warmup, MAX_MESSAGES - repeats);
        final UnsafeBuffer content = content(bytes);
        final ChunkAuth auth = FastestMac.onThisRuntime();
        final DataKey key = DataKey.derive("descent bench udp-pair key".getBytes(StandardCharsets.UTF_8), STREAM_ID,
            "descent bench");
        try (Transport transport = Transport.start(TransportSettings.load()))
        {
            if (null != end.receiveAt)
            {
                receive(transport, auth, key, content);
            }
            else
            {
                send(transport, auth, key, content);
            }
        }
        return 0;
    }

    private void send(final Transport transport, final ChunkAuth auth, final DataKey key, final UnsafeBuffer content)
        throws IOException
    {
        try (BufferSender sender = transport.newSender(transport.channels().udp(end.sendTo + ":" + PORT), STREAM_ID))
        {
            sender.authenticate(auth, key);
            write(SESSION, String.valueOf(sender.sessionId()));
            await(READY);
            final long deadline = System.nanoTime() + TIMEOUT_NS;
            while (!sender.isConnected())
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("no receiver connected at " + end.sendTo + ":" + PORT);
                }
                LockSupport.parkNanos(POLL_NS);
            }
            long cpuStart = 0;
            Map<String, Long> threadsStart = Map.of();
            for (int i = 0; i < warmup + repeats; i++)
            {
                if (i == warmup)
                {
                    cpuStart = ProcessCpu.nanos();
                    threadsStart = ThreadCpu.snapshot();
                }
                final long start = System.nanoTime();
                final SendResult result = sender.send(id(i), content, 0, bytes, start + TIMEOUT_NS);
                if (!result.isSent())
                {
                    throw new IllegalStateException("message " + i + " of " + bytes + " bytes not sent: " + result);
                }
            }
            await(DONE);
            final long cpu = ProcessCpu.nanos() - cpuStart;
            write(SENDER_THREADS, JsonReports.line(ThreadCpu.since(threadsStart, ThreadCpu.snapshot())));
            write(SENDER_CPU, String.valueOf(cpu));
        }
    }

    private void receive(final Transport transport, final ChunkAuth auth, final DataKey key,
        final UnsafeBuffer content) throws IOException
    {
        final Window window = new Window(warmup, repeats);
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        // Closed with its agent (or with the transport, should the agent not start).
        final BufferReceiver receiver = transport.newReceiver(transport.channels().udp(end.receiveAt + ":" + PORT),
            STREAM_ID, window);
        receiver.authenticate(auth, key);
        receiver.bindSession(0, Integer.parseInt(await(SESSION)));
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        for (int i = 0; i < warmup + repeats; i++)
        {
            final ReceiveSlot slot = new ReceiveSlot();
            slot.expect(id(i), destination, 0, bytes, deadline);
            if (!receiver.register(slot))
            {
                throw new IllegalStateException("the receiver refused message " + i + "'s slot");
            }
        }
        try (AgentRunner agent = transport.startAgent(receiver))
        {
            write(READY, "ready");
            window.await(TIMEOUT_NS);
            write(DONE, "done");
            final long senderCpu = Long.parseLong(await(SENDER_CPU));
            if (!destination.equals(content))
            {
                throw new IllegalStateException("the received message differs from the one sent");
            }
            final UdpPath path = new UdpPath((double)bytes * repeats, (window.endNs - window.startNs) / 1e9,
                senderCpu, window.endCpu - window.startCpu, window.endHost - window.startHost);
            final Map<String, Object> json = new LinkedHashMap<>(path.toJson());
            json.put("sender_threads_cpu_ns", JsonReports.mapper().readTree(await(SENDER_THREADS)));
            json.put("receiver_threads_cpu_ns", ThreadCpu.since(window.startThreads, window.endThreads));
            write(RESULT, JsonReports.line(json));
            System.out.println("udp-pair: " + path.describe());
        }
    }

    /** The receiver's timed window, noted on its polling thread as messages complete (they complete in order). */
    private static final class Window implements ReceiveListener
    {
        private final int warmup;
        private final int total;
        private final CountDownLatch over = new CountDownLatch(1);
        private int completed;
        private volatile String failure;
        private volatile long startNs;
        private volatile long startCpu;
        private volatile long startHost;
        private volatile Map<String, Long> startThreads = Map.of();
        private volatile Map<String, Long> endThreads = Map.of();
        private volatile long endNs;
        private volatile long endCpu;
        private volatile long endHost;

        Window(final int warmup, final int repeats)
        {
            this.warmup = warmup;
            this.total = warmup + repeats;
        }

        @Override
        public void onComplete(final ReceiveSlot slot)
        {
            completed++;
            if (completed == warmup)
            {
                startNs = System.nanoTime();
                startCpu = ProcessCpu.nanos();
                startHost = HostCpu.busyNanos();
                startThreads = ThreadCpu.snapshot();
            }
            else if (completed == total)
            {
                endNs = System.nanoTime();
                endCpu = ProcessCpu.nanos();
                endHost = HostCpu.busyNanos();
                endThreads = ThreadCpu.snapshot();
                over.countDown();
            }
        }

        @Override
        public void onIncomplete(final ReceiveSlot slot)
        {
            failure = "message " + slot + " incomplete: " + slot.describeMissing();
            over.countDown();
        }

        void await(final long timeoutNs) throws IOException
        {
            try
            {
                if (!over.await(timeoutNs, TimeUnit.NANOSECONDS))
                {
                    throw new IllegalStateException("only " + completed + " of " + total + " messages came in " +
                        timeoutNs / 1_000_000_000L + " s");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the messages", ex);
            }
            if (null != failure)
            {
                throw new IllegalStateException(failure);
            }
        }
    }

    /**
     * @param bytes   the message size.
     * @param repeats the timed messages.
     * @return the default warm-up: enough messages to move {@link #WARM_UP_BYTES}, at least {@link #MIN_WARM_UP}, and
     * no more than the receiver's slots leave beside the timed ones.
     */
    static int warmUp(final int bytes, final int repeats)
    {
        return warmUp(bytes, repeats, Double.POSITIVE_INFINITY);
    }

    /**
     * @param bytes           the message size.
     * @param repeats         the timed messages.
     * @param linkBytesPerSec the rate of the link the pair is shaped to, or infinity for an unshaped pair.
     * @return the default warm-up ({@link #warmUp(int, int)}), moving no more than the link carries in
     * {@link #MAX_WARM_UP_SECONDS}, at least {@link #MIN_WARM_UP} messages.
     */
    public static int warmUp(final int bytes, final int repeats, final double linkBytesPerSec)
    {
        final double budget = Math.min(WARM_UP_BYTES, linkBytesPerSec * MAX_WARM_UP_SECONDS);
        return (int)Math.max(MIN_WARM_UP, Math.min(MAX_MESSAGES - repeats, Math.ceil(budget / bytes)));
    }

    private MessageId id(final int index)
    {
        return new MessageId(1L, 1L, MessageKind.GRADIENT, index, 0, 0, bytes / Float.BYTES);
    }

    private static UnsafeBuffer content(final int bytes)
    {
        final byte[] random = new byte[bytes];
        new Random(CONTENT_SEED).nextBytes(random);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        buffer.putBytes(0, random);
        return buffer;
    }

    /** Writes {@code name} in the meeting directory atomically: the other end never reads half of it. */
    private void write(final String name, final String text) throws IOException
    {
        Files.writeString(dir.resolve(name + ".tmp"), text);
        Files.move(dir.resolve(name + ".tmp"), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return the contents of {@code name} in the meeting directory, once the other end wrote it. */
    private String await(final String name) throws IOException
    {
        final Path file = dir.resolve(name);
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (!Files.exists(file))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the other end did not write " + file + " in " +
                    TIMEOUT_NS / 1_000_000_000L + " s");
            }
            LockSupport.parkNanos(POLL_NS);
        }
        return Files.readString(file).trim();
    }
}
