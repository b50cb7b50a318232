package io.descent.bench.model;

import io.descent.bench.scale.ServerUpdate;
import io.descent.bench.transport.DataPlaneProbe;
import io.descent.nn.optim.Sgd;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.wire.ChunkAuth;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * Measures, in this process, the rates the server's and the data plane's per-byte work runs at on this host: the
 * fold of a gradient into the sum (the axpy the step loop runs), the update (the finiteness check and the server's
 * momentum {@link Sgd} step, as {@code ServerEngine.apply} runs them), a local copy (into a publication, a CRC32C over
 * it, a copy out), and the data plane itself at the vector's size ({@link DataPlaneProbe}: one message between two
 * threads through Descent's chunked sender and receiver over Aeron IPC, and the chunk tag alone; and one over UDP, its
 * rate and the process's CPU time per byte) with the nodes' chunk tag. Each is the median of several timed rounds over a vector of the given size. Confined to the calling thread (it
 * owns its ND4J arrays).
 */
public final class RateProbe
{
    private static final int ROUNDS = 7;
    private static final Path WMEM_MAX = Path.of("/proc/sys/net/core/wmem_max");

    private final int floats;
    private final ChunkAuth tag;
    private final int frameBytes;

    /**
     * @param floats the vector's length (the model the rates are for), at least 1024.
     * @param tag    the chunk tag of the nodes' data plane: a MAC under a cluster key ({@code bench scale}'s runs and
     *               {@code train --workers} have one), else the CRC32C.
     * @param mtu    the MTU of the nodes' links (their UDP frames fit it: {@link WireFraming#frameBytes}).
     */
    public RateProbe(final int floats, final ChunkAuth tag, final int mtu)
    {
        if (floats < 1024)
        {
            throw new IllegalArgumentException("at least 1024 floats expected, got " + floats);
        }
        this.floats = floats;
        this.tag = tag;
        this.frameBytes = WireFraming.frameBytes(mtu);
    }

    /**
     * @param stepSeconds the per-step fixed cost, measured elsewhere (it needs a cluster).
     * @return the measured overheads.
     */
    public Overheads measure(final double stepSeconds)
    {
        final DataPlaneProbe.Rates dataPlane = DataPlaneProbe.measure(floats * Float.BYTES, tag);
        final DataPlaneProbe.Udp udp = DataPlaneProbe.udp(floats * Float.BYTES, tag, frameBytes);
        return new Overheads(stepSeconds, sumBytesPerSec(), updateBytesPerSec(), copyBytesPerSec(),
            dataPlane.transferBytesPerSec(), dataPlane.tagBytesPerSec(), udp.bytesPerSec(), sendBufferBytes(),
            udp.cpuSecondsPerByte());
    }

    /**
     * @return a UDP sender's socket buffer as the nodes get it: descent.transport.driver.socket-sndbuf, at most
     * net.core.wmem_max where Linux tells it.
     */
    public static double sendBufferBytes()
    {
        final int asked = TransportSettings.load().driver().socketSndbuf();
        try
        {
            // Read as lines: procfs reports a size of 0, and a read sized by it returned one byte here.
            final long max = Long.parseLong(Files.readAllLines(WMEM_MAX).get(0).trim());
            return Math.min(asked, max);
        }
        catch (final IOException | NumberFormatException | IndexOutOfBoundsException ex)
        {
            return asked;
        }
    }

    /** @return bytes of gradient folded into a running sum per second (one axpy, {@link ServerUpdate#fold}). */
    public double sumBytesPerSec()
    {
        final INDArray sum = Nd4j.rand(DataType.FLOAT, floats);
        final INDArray gradient = Nd4j.rand(DataType.FLOAT, floats);
        return rate(rounds -> timed(rounds, () -> ServerUpdate.fold(sum, gradient, 1.0)));
    }

    /**
     * @return bytes of parameters an update (finiteness check, then a momentum-SGD step: {@link ServerUpdate#apply})
     * covers per second.
     */
    public double updateBytesPerSec()
    {
        final INDArray parameters = Nd4j.rand(DataType.FLOAT, floats);
        final INDArray gradient = Nd4j.rand(DataType.FLOAT, floats).muli(1e-3);
        final ServerUpdate update = new ServerUpdate(parameters);
        return rate(rounds -> timed(rounds, () -> update.apply(gradient)));
    }

    /** @return bytes per second one transfer through shared memory moves: copy in, CRC32C, copy out. */
    public double copyBytesPerSec()
    {
        final ByteBuffer source = ByteBuffer.allocateDirect(floats * Float.BYTES);
        final ByteBuffer term = ByteBuffer.allocateDirect(floats * Float.BYTES);
        final ByteBuffer target = ByteBuffer.allocateDirect(floats * Float.BYTES);
        final CRC32C crc = new CRC32C();
        return rate(rounds -> timed(rounds, () ->
        {
            term.clear().put(source.clear());
            crc.reset();
            crc.update(term.flip());
            target.clear().put(term.flip());
        }));
    }

    /** @return bytes per second of the vector: the median of {@link #ROUNDS} timed rounds, after a warm-up. */
    private double rate(final LongUnaryOperator nanosForRounds)
    {
        nanosForRounds.applyAsLong(2);
        final double[] rates = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++)
        {
            final int repeats = 3;
            rates[i] = (double)floats * Float.BYTES * repeats / (nanosForRounds.applyAsLong(repeats) / 1e9);
        }
        Arrays.sort(rates);
        return rates[ROUNDS / 2];
    }

    private static long timed(final long repeats, final Runnable work)
    {
        final long start = System.nanoTime();
        for (long i = 0; i < repeats; i++)
        {
            work.run();
        }
        return Math.max(1, System.nanoTime() - start);
    }
}
