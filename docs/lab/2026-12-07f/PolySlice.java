import io.descent.transport.wire.*;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * CPU time (ThreadMXBean) of ChaCha20-Poly1305 tagging of 65,344-byte chunks of a 23 MB direct buffer, split into
 * its parts (Cipher.init, staging copy, updateAAD per slice, doFinal) and the alternatives tried. Medians of rounds
 * 2..R of R, each round 10 passes over the buffer (3,690 chunks). Run with the built transport jar and Agrona.
 */
public class PolySlice
{
    static final int CHUNK = 65344, TOTAL = 23 * 1024 * 1024, PASSES = 10, ROUNDS = 7;
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(TOTAL);
    static final byte[] HEAP = new byte[TOTAL];
    static final byte[] AAD = new byte[96];
    static final SecretKeySpec KEY = new SecretKeySpec(new byte[32], "ChaCha20");
    static Cipher cipher;
    static long seq = 1;
    static final byte[] nonce = new byte[12];
    static final byte[] out = new byte[64];
    static long sink;

    interface Body { void chunk(int off) throws Exception; }

    static void init() throws Exception
    {
        seq++;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte)(seq >>> (8 * i));
        cipher.init(Cipher.ENCRYPT_MODE, KEY, new IvParameterSpec(nonce));
    }

    static void run(final String name, final Body body) throws Exception
    {
        final double[] nsPerChunk = new double[ROUNDS];
        int chunks = 0;
        for (int r = 0; r < ROUNDS; r++)
        {
            chunks = 0;
            final long t0 = MX.getCurrentThreadCpuTime();
            for (int p = 0; p < PASSES; p++)
                for (int off = 0; off + CHUNK <= TOTAL; off += CHUNK) { body.chunk(off); chunks++; }
            nsPerChunk[r] = (double)(MX.getCurrentThreadCpuTime() - t0) / chunks;
        }
        final double[] tail = Arrays.copyOfRange(nsPerChunk, 1, ROUNDS);
        Arrays.sort(tail);
        final double med = tail[tail.length / 2];
        final StringBuilder all = new StringBuilder();
        for (final double v : nsPerChunk) all.append(String.format(" %.2f", v / 1000));
        System.out.printf("%-44s %8.3f us/chunk %6.2f GB/CPU-s  (all rounds, us:%s)%n",
            name, med / 1000, CHUNK / med, all);
    }

    /** Stage from DIRECT in slices of s bytes, updateAAD each slice. */
    static Body staged(final int s)
    {
        final byte[] stage = new byte[s];
        return off ->
        {
            init();
            cipher.updateAAD(AAD, 0, AAD.length);
            for (int at = 0; at < CHUNK; at += s)
            {
                final int n = Math.min(s, CHUNK - at);
                DIRECT.get(off + at, stage, 0, n);
                cipher.updateAAD(stage, 0, n);
            }
            cipher.doFinal(out, 0);
        };
    }

    static Body staged4;

    public static void main(final String[] args) throws Exception
    {
        cipher = Cipher.getInstance("ChaCha20-Poly1305");
        new java.util.Random(1).nextBytes(HEAP);
        DIRECT.put(0, HEAP);
        final byte[] stage4 = new byte[4096];
        final byte[] stage64 = new byte[CHUNK];
        // The whole ChunkMac path (what the data plane does).
        final UnsafeBuffer buf = new UnsafeBuffer(DIRECT);
        final UnsafeBuffer hb = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
        final ChunkHeader h = new ChunkHeader().wrap(hb, 0);
        final DataKey key = DataKey.derive("descent bench transport key".getBytes(), 1, "x");
        final ChunkMac mac = new ChunkMac(ChunkAuth.CHACHA20_POLY1305, key);
        h.putMessage(MessageKind.GRADIENT, 3, 77L, 99L, 12L, 0L, CHUNK / 4, CHUNK, ChunkAuth.CHACHA20_POLY1305, key.id());
        staged4 = staged(4096);
        final String only = args.length > 0 ? args[0] : "all";
        if (only.equals("alloc"))
        {
            final com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean)MX;
            for (int r = 0; r < 3; r++)
            {
                final int n = 100_000;
                final long a0 = tmx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) init();
                final long a1 = tmx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) { init(); cipher.updateAAD(AAD, 0, 96); cipher.doFinal(out, 0); }
                final long a2 = tmx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n / 100; i++)
                {
                    h.putChunk(0, 1, CHUNK, 0, CHUNK).sequence(seq++);
                    mac.begin(5, h, false).update(buf, (i % 300) * CHUNK, CHUNK).sign(hb, 0);
                }
                final long a3 = tmx.getCurrentThreadAllocatedBytes();
                System.out.printf("round %d: bytes allocated per Cipher.init %d, per init+AAD+doFinal %d, per ChunkMac chunk %d%n",
                    r, (a1 - a0) / n, (a2 - a1) / n, (a3 - a2) / (n / 100));
            }
            return;
        }
        if (only.equals("ab"))
        {
            final UnsafeBuffer dest = new UnsafeBuffer(ByteBuffer.allocateDirect(TOTAL));
            final byte[] st = new byte[4096];
            final String[] names = {"ChunkMac (4 KiB slices)", "staged 4 KiB", "staged 8 KiB", "staged 16 KiB",
                "heap array, one call (no copy)", "receive: tag staged 4 KiB, then copy term->dest",
                "receive: fused (stage, tag, copy stage->dest)", "staged 4 KiB, AAD as 4 + 88 + 4 B calls (as ChunkMac)"};
            final Body[] bodies = {
                off -> { h.putChunk(0, 1, CHUNK, 0, CHUNK).sequence(seq++); mac.begin(5, h, false).update(buf, off, CHUNK).sign(hb, 0); },
                staged(4096), staged(8192), staged(16384),
                off -> { init(); cipher.updateAAD(AAD, 0, 96); cipher.updateAAD(HEAP, off, CHUNK); cipher.doFinal(out, 0); },
                off -> { staged4.chunk(off); dest.putBytes(off, buf, off, CHUNK); },
                off ->
                {
                    init();
                    cipher.updateAAD(AAD, 0, AAD.length);
                    for (int at = 0; at < CHUNK; at += 4096)
                    {
                        final int n = Math.min(4096, CHUNK - at);
                        DIRECT.get(off + at, st, 0, n);
                        cipher.updateAAD(st, 0, n);
                        dest.putBytes(off + at, st, 0, n);
                    }
                    cipher.doFinal(out, 0);
                },
                off ->
                {
                    init();
                    cipher.updateAAD(AAD, 0, 4);
                    cipher.updateAAD(AAD, 4, 88);
                    cipher.updateAAD(AAD, 92, 4);
                    for (int at = 0; at < CHUNK; at += 4096)
                    {
                        final int n = Math.min(4096, CHUNK - at);
                        DIRECT.get(off + at, st, 0, n);
                        cipher.updateAAD(st, 0, n);
                    }
                    cipher.doFinal(out, 0);
                }};
            final double[][] us = new double[names.length][ROUNDS * 2];
            for (int r = 0; r < ROUNDS * 2 + 1; r++)
            {
                for (int v = 0; v < names.length; v++)
                {
                    int chunks = 0;
                    final long t0 = MX.getCurrentThreadCpuTime();
                    for (int p = 0; p < PASSES; p++)
                        for (int off = 0; off + CHUNK <= TOTAL; off += CHUNK) { bodies[v].chunk(off); chunks++; }
                    if (r > 0) us[v][r - 1] = (MX.getCurrentThreadCpuTime() - t0) / 1000.0 / chunks;
                }
            }
            for (int v = 0; v < names.length; v++)
            {
                final double[] x = us[v].clone();
                Arrays.sort(x);
                System.out.printf("%-50s median %6.3f us/chunk %6.2f GB/CPU-s  (min %.2f, max %.2f; %d interleaved rounds)%n",
                    names[v], x[x.length / 2], CHUNK / 1000.0 / x[x.length / 2], x[0], x[x.length - 1], x.length);
            }
            return;
        }
        for (int rep = 0; rep < 2; rep++)
        {
            System.out.println("--- repetition " + (rep + 1) + ", " + java.time.Instant.now());
            run("ChunkMac (begin/update/sign)", off ->
            {
                h.putChunk(0, 1, CHUNK, 0, CHUNK).sequence(seq++);
                mac.begin(5, h, false).update(buf, off, CHUNK).sign(hb, 0);
            });
            if (only.equals("chunkmac")) continue;
            // Parts.
            run("part: Cipher.init", off -> init());
            run("part: init + 96 B AAD + doFinal", off -> { init(); cipher.updateAAD(AAD, 0, 96); cipher.doFinal(out, 0); });
            run("part: staging copy 4 KiB slices", off ->
            {
                for (int at = 0; at < CHUNK; at += 4096)
                {
                    final int n = Math.min(4096, CHUNK - at);
                    DIRECT.get(off + at, stage4, 0, n);
                }
                sink += stage4[7];
            });
            run("part: staging copy one 64 KiB", off -> { DIRECT.get(off, stage64, 0, CHUNK); sink += stage64[7]; });
            // updateAAD alone over an L1-hot 4 KiB array (no copy): the Poly1305 cost per slice size.
            for (final int s : new int[]{1024, 4096, 8192, 16384, 32768, 65344})
            {
                final byte[] hot = Arrays.copyOf(HEAP, s);
                run("tag: L1-hot " + s + " B slices (no copy)", off ->
                {
                    init(); cipher.updateAAD(AAD, 0, 96);
                    for (int at = 0; at < CHUNK; at += s) cipher.updateAAD(hot, 0, Math.min(s, CHUNK - at));
                    cipher.doFinal(out, 0);
                });
            }
            // Whole tag, staged, per slice size.
            for (final int s : new int[]{2048, 4096, 8192, 16384, 32768, 65536})
            {
                run("tag: staged " + s + " B slices", staged(s));
            }
            run("tag: heap array, one updateAAD", off ->
            {
                init(); cipher.updateAAD(AAD, 0, 96); cipher.updateAAD(HEAP, off, CHUNK); cipher.doFinal(out, 0);
            });
            final ByteBuffer view = DIRECT.duplicate();
            run("tag: updateAAD(direct ByteBuffer)", off ->
            {
                init(); cipher.updateAAD(AAD, 0, 96);
                view.limit(off + CHUNK).position(off);
                cipher.updateAAD(view); cipher.doFinal(out, 0);
            });
        }
        System.out.println("sink " + sink);
    }
}
