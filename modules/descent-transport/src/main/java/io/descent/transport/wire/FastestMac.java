package io.descent.transport.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which MAC this runtime tags chunks fastest with: {@link ChunkAuth#CHACHA20_POLY1305} where HotSpot runs Poly1305 on
 * its vector intrinsic, else {@link ChunkAuth#AES_GMAC} (AES-NI and carry-less multiplication are on every x86-64 and
 * ARMv8 server CPU the JDK intrinsifies). HotSpot turns its Poly1305 intrinsic on (the diagnostic flag
 * {@code UsePoly1305Intrinsics}) from JDK 20 on x86-64 CPUs with AVX-512 IFMA, VL and BW, and from JDK 23 also with
 * AVX-IFMA; without it Poly1305 runs in Java at about 0.6 GB/s, six times slower than AES-GCM. Measured on this
 * project's AVX-512 host, JDK 25, tagging 65,344-byte chunks staged from direct memory: ChaCha20-Poly1305 7–9 GB/s,
 * AES-GCM 3.7–4.9 GB/s (docs/performance.md). Reads the CPU's flags from {@code /proc/cpuinfo} (Linux); elsewhere,
 * AES-GMAC. Thread-safe (stateless).
 */
public final class FastestMac
{
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private FastestMac()
    {
    }

    /** @return the MAC this JVM on this CPU runs fastest (worked out once per JVM). */
    public static ChunkAuth onThisRuntime()
    {
        return ThisRuntime.MAC;
    }

    /** The JVM's answer, read from /proc/cpuinfo on first use only (settings ask for it at every registration). */
    private static final class ThisRuntime
    {
        static final ChunkAuth MAC = of(Runtime.version().feature(), System.getProperty("os.arch", ""), cpuFlags());
    }

    /**
     * @param jdk   the JDK's feature version.
     * @param arch  {@code os.arch}.
     * @param flags the CPU's feature flags as Linux names them ({@code avx512ifma}, ...).
     * @return ChaCha20-Poly1305 where HotSpot intrinsifies Poly1305 with vector instructions, else AES-GMAC.
     */
    static ChunkAuth of(final int jdk, final String arch, final Set<String> flags)
    {
        final boolean x86 = "amd64".equals(arch) || "x86_64".equals(arch);
        final boolean avx512 = flags.containsAll(Set.of("avx512ifma", "avx512vl", "avx512bw"));
        final boolean vectorPoly = x86 && (jdk >= 20 && avx512 || jdk >= 23 && flags.contains("avx_ifma"));
        return vectorPoly ? ChunkAuth.CHACHA20_POLY1305 : ChunkAuth.AES_GMAC;
    }

    /** @return the first CPU's flags, or none when they cannot be read. */
    static Set<String> cpuFlags()
    {
        try
        {
            for (final String line : Files.readAllLines(CPUINFO))
            {
                if (line.startsWith("flags"))
                {
                    final int colon = line.indexOf(':');
                    return Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                        .map(flag -> flag.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
                }
            }
        }
        catch (final IOException | RuntimeException unreadable)
        {
            // Not Linux, or no /proc: AES-GMAC, which every server CPU accelerates.
        }
        return Set.of();
    }
}
