package io.descent.transport.config;

import com.typesafe.config.Config;
import io.aeron.driver.ThreadingMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Media driver settings ({@code descent.transport.driver}): where the driver lives, its threads and its buffer
 * geometry. Immutable and thread-safe; validated when read.
 *
 * @param mode            embedded driver per process, or an external driver in {@code dir}.
 * @param dir             the Aeron directory, or null for a unique directory under {@code baseDir}.
 * @param baseDir         where unique directories are made.
 * @param threadingMode   Aeron threading mode of an embedded driver.
 * @param idle            idle strategy of the embedded driver's threads.
 * @param termLength      term length of UDP publications, bytes (power of two).
 * @param ipcTermLength   term length of IPC publications, bytes (power of two).
 * @param mtu             UDP frame length, bytes.
 * @param loopbackMtu     UDP frame length to loopback endpoints, bytes.
 * @param ipcMtu          IPC frame length, bytes.
 * @param socketSndbuf    UDP send socket buffer, bytes.
 * @param socketRcvbuf    UDP receive socket buffer, bytes.
 * @param receiverWindow  UDP receiver flow-control window per image, bytes, or {@link #AUTO_WINDOW}: each socket's
 *                        payload budget shared by the images receiving on it (see
 *                        {@link io.descent.transport.driver.ReceiverWindow}).
 * @param sparseTerms     whether log buffers are sparse files.
 * @param timeoutNs       driver and client liveness timeout, nanoseconds.
 */
public record DriverSettings(
    Mode mode,
    Path dir,
    Path baseDir,
    Threading threadingMode,
    IdleSetting idle,
    int termLength,
    int ipcTermLength,
    int mtu,
    int loopbackMtu,
    int ipcMtu,
    int socketSndbuf,
    int socketRcvbuf,
    int receiverWindow,
    boolean sparseTerms,
    long timeoutNs)
{
    /** Where the media driver runs. */
    public enum Mode
    {
        /** In this JVM, started and stopped with the transport. */
        EMBEDDED,
        /** In another process, found by its directory. */
        EXTERNAL
    }

    /** Threads of an embedded driver (the Aeron threading modes that run by themselves). */
    public enum Threading
    {
        /** Conductor, sender and receiver threads. */
        DEDICATED(ThreadingMode.DEDICATED),
        /** Conductor thread plus one thread for sending and receiving. */
        SHARED_NETWORK(ThreadingMode.SHARED_NETWORK),
        /** One thread for everything. */
        SHARED(ThreadingMode.SHARED);

        private final ThreadingMode aeron;

        Threading(final ThreadingMode aeron)
        {
            this.aeron = aeron;
        }

        /** @return the Aeron threading mode. */
        public ThreadingMode aeron()
        {
            return aeron;
        }
    }

    /** Receiver window meaning "sized from the granted socket buffer and the senders of each socket". */
    public static final int AUTO_WINDOW = 0;

    static final String PATH = "descent.transport.driver";
    private static final int MIN_TERM = 64 * 1024;
    private static final int MAX_TERM = 1024 * 1024 * 1024;

    /**
     * Reads and validates {@code descent.transport.driver}.
     *
     * @param root the whole configuration (with reference.conf merged in).
     * @return the settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad setting.
     */
    public static DriverSettings from(final Config root)
    {
        final SettingsReader reader = new SettingsReader(root, PATH);
        final Mode mode = reader.choice("mode", Mode.class);
        final String dir = reader.string("dir").trim();
        if (mode == Mode.EXTERNAL && dir.isEmpty())
        {
            throw new InvalidSettingException(reader.key("dir"), "\"\"", "the directory of the running driver when " +
                reader.key("mode") + " = external");
        }
        final Threading threading = reader.choice("threading-mode", Threading.class);
        final int termLength = reader.powerOfTwoBytes("term-length", MIN_TERM, MAX_TERM);
        final int ipcTermLength = reader.powerOfTwoBytes("ipc-term-length", MIN_TERM, MAX_TERM);
        final int socketRcvbuf = reader.bytes("socket-rcvbuf", 64 * 1024, 64 * 1024 * 1024);
        final int window = receiverWindow(reader, termLength, socketRcvbuf);
        return new DriverSettings(
            mode,
            dir.isEmpty() ? null : Path.of(dir),
            baseDirectory(reader.string("base-dir")),
            threading,
            IdleSetting.read(reader, "idle-strategy", "idle-max-park"),
            termLength,
            ipcTermLength,
            reader.multipleOf("mtu", 32, 128, 65504),
            reader.multipleOf("loopback-mtu", 32, 128, 65504),
            reader.multipleOf("ipc-mtu", 32, 128, 65504),
            reader.bytes("socket-sndbuf", 64 * 1024, 64 * 1024 * 1024),
            socketRcvbuf,
            window,
            reader.bool("sparse-terms"),
            reader.nanos("timeout", Duration.ofMillis(100), Duration.ofMinutes(10)));
    }

    /** @return these settings with another directory (null: unique directory), e.g. to share one in tests. */
    public DriverSettings withDir(final Path newDir)
    {
        return new DriverSettings(mode, newDir, baseDir, threadingMode, idle, termLength, ipcTermLength, mtu, loopbackMtu, ipcMtu,
            socketSndbuf, socketRcvbuf, receiverWindow, sparseTerms, timeoutNs);
    }

    /** @return these settings with another base directory for unique directories. */
    public DriverSettings withBaseDir(final Path newBaseDir)
    {
        return new DriverSettings(mode, dir, newBaseDir, threadingMode, idle, termLength, ipcTermLength, mtu, loopbackMtu, ipcMtu,
            socketSndbuf, socketRcvbuf, receiverWindow, sparseTerms, timeoutNs);
    }

    /** @return these settings with another threading mode and driver idle strategy (benchmarks). */
    public DriverSettings withThreading(final Threading newMode, final IdleSetting newIdle)
    {
        return new DriverSettings(mode, dir, baseDir, newMode, newIdle, termLength, ipcTermLength, mtu, loopbackMtu, ipcMtu,
            socketSndbuf, socketRcvbuf, receiverWindow, sparseTerms, timeoutNs);
    }

    /** @return the largest message a UDP publication accepts: min(term-length / 8, 16 MiB). */
    public int maxUdpMessageLength()
    {
        return Math.min(termLength / 8, 16 * 1024 * 1024);
    }

    /** @return the largest message an IPC publication accepts: min(ipc-term-length / 8, 16 MiB). */
    public int maxIpcMessageLength()
    {
        return Math.min(ipcTermLength / 8, 16 * 1024 * 1024);
    }

    /** @return true when the receiver window is sized per socket at run time ({@link #AUTO_WINDOW}). */
    public boolean autoReceiverWindow()
    {
        return receiverWindow == AUTO_WINDOW;
    }

    private static int receiverWindow(final SettingsReader reader, final int termLength, final int socketRcvbuf)
    {
        if ("auto".equals(reader.string("receiver-window").trim()))
        {
            return AUTO_WINDOW;
        }
        final int window = reader.bytes("receiver-window", 64 * 1024, 1024 * 1024 * 1024);
        if (window > termLength / 2)
        {
            throw new InvalidSettingException(reader.key("receiver-window"), Sizes.format(window),
                "auto, or at most half of " + reader.key("term-length") + " (" + Sizes.format(termLength / 2) + ")");
        }
        if (window > socketRcvbuf)
        {
            throw new InvalidSettingException(reader.key("receiver-window"), Sizes.format(window),
                "auto, or at most " + reader.key("socket-rcvbuf") + " (" + Sizes.format(socketRcvbuf) + ")");
        }
        return window;
    }

    private static Path baseDirectory(final String configured)
    {
        final Path base = Path.of(configured.isBlank() ? System.getProperty("java.io.tmpdir") : configured);
        return Files.isDirectory(base) ? base : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
