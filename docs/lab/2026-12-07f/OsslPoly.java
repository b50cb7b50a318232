import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.*;

/**
 * Probe, not Descent code: OpenSSL 3's Poly1305 (EVP_MAC "POLY1305", libcrypto.so.3) called through the FFM API
 * (JDK 22+) straight on off-heap memory, no staging copy: CPU time per 65,344-byte chunk of a 23 MB native buffer,
 * one EVP_MAC_init (a fresh one-time key) per chunk. What a no-copy Poly1305 would cost against ChunkMac's staged
 * JDK path (PolySlice.java). Checks RFC 8439 2.5.2 first.
 * Run: java --enable-native-access=ALL-UNNAMED OsslPoly.java
 */
public class OsslPoly
{
    static final int CHUNK = 65344, TOTAL = 23 * 1024 * 1024, PASSES = 10, ROUNDS = 9;

    public static void main(final String[] args) throws Throwable
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup lib = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        final MethodHandle fetch = linker.downcallHandle(lib.find("EVP_MAC_fetch").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        final MethodHandle ctxNew = linker.downcallHandle(lib.find("EVP_MAC_CTX_new").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, ADDRESS));
        final Linker.Option critical = Linker.Option.critical(false);
        final MethodHandle init = linker.downcallHandle(lib.find("EVP_MAC_init").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), critical);
        final MethodHandle update = linker.downcallHandle(lib.find("EVP_MAC_update").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), critical);
        final MethodHandle fin = linker.downcallHandle(lib.find("EVP_MAC_final").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG), critical);
        final Arena arena = Arena.global();
        final MemorySegment mac = (MemorySegment)fetch.invokeExact(MemorySegment.NULL,
            arena.allocateFrom("POLY1305"), MemorySegment.NULL);
        final MemorySegment ctx = (MemorySegment)ctxNew.invokeExact(mac);
        final MemorySegment key = arena.allocate(32);
        final MemorySegment tag = arena.allocate(16);
        final MemorySegment outl = arena.allocate(JAVA_LONG);

        // RFC 8439 2.5.2.
        final HexFormat hex = HexFormat.of();
        key.copyFrom(MemorySegment.ofArray(hex.parseHex(
            "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")));
        final MemorySegment msg = arena.allocateFrom("Cryptographic Forum Research Group");
        int ok = (int)init.invokeExact(ctx, key, 32L, MemorySegment.NULL);
        ok &= (int)update.invokeExact(ctx, msg, 34L);
        ok &= (int)fin.invokeExact(ctx, tag, outl, 16L);
        final String got = hex.formatHex(tag.toArray(JAVA_BYTE));
        System.out.println("RFC 8439 2.5.2 tag " + got + (got.equals("a8061dc1305136c6c22b8baf0c0127a9") ? " (ok)" : " (WRONG)")
            + ", calls ok " + ok);

        final MemorySegment data = arena.allocate(TOTAL, 64);
        final byte[] random = new byte[TOTAL];
        new java.util.Random(1).nextBytes(random);
        data.copyFrom(MemorySegment.ofArray(random));
        final MemorySegment aad = arena.allocate(96);
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final double[] us = new double[ROUNDS];
        long seq = 0;
        for (int r = 0; r < ROUNDS; r++)
        {
            int chunks = 0;
            final long t0 = mx.getCurrentThreadCpuTime();
            for (int p = 0; p < PASSES; p++)
            {
                for (long off = 0; off + CHUNK <= TOTAL; off += CHUNK)
                {
                    key.set(JAVA_LONG, 0, ++seq);
                    int k = (int)init.invokeExact(ctx, key, 32L, MemorySegment.NULL);
                    k &= (int)update.invokeExact(ctx, aad, 96L);
                    k &= (int)update.invokeExact(ctx, data.asSlice(off, CHUNK), (long)CHUNK);
                    k &= (int)fin.invokeExact(ctx, tag, outl, 16L);
                    if (k != 1) throw new IllegalStateException("EVP_MAC call failed");
                    chunks++;
                }
            }
            us[r] = (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / chunks;
        }
        final double[] tail = Arrays.copyOfRange(us, 1, ROUNDS);
        Arrays.sort(tail);
        final StringBuilder all = new StringBuilder();
        for (final double v : us) all.append(String.format(" %.2f", v));
        System.out.printf("OpenSSL Poly1305 on native memory, init per chunk: median %.3f us/chunk %.2f GB/CPU-s (rounds:%s)%n",
            tail[tail.length / 2], CHUNK / 1000.0 / tail[tail.length / 2], all);
    }
}
