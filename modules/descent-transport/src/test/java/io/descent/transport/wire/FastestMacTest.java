package io.descent.transport.wire;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link FastestMac}: ChaCha20-Poly1305 exactly where HotSpot turns its vector Poly1305 intrinsic on. */
class FastestMacTest
{
    private static final Set<String> AVX512_IFMA = Set.of("aes", "avx2", "avx512f", "avx512ifma", "avx512vl",
        "avx512bw");
    private static final Set<String> AVX2 = Set.of("aes", "avx2", "pclmulqdq");

    @Test
    void shouldPickPolyOnlyWithAJdkAndCpuThatVectorisePoly1305()
    {
        assertEquals(ChunkAuth.CHACHA20_POLY1305, FastestMac.of(25, "amd64", AVX512_IFMA));
        assertEquals(ChunkAuth.CHACHA20_POLY1305, FastestMac.of(21, "amd64", AVX512_IFMA));
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(17, "amd64", AVX512_IFMA), "no intrinsic before JDK 20");
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(25, "amd64", AVX2), "AVX2 without IFMA");
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(25, "amd64", Set.of("avx512f", "avx512vl", "avx512bw")),
            "AVX-512 without IFMA (Skylake-SP)");
        assertEquals(ChunkAuth.CHACHA20_POLY1305, FastestMac.of(23, "amd64", Set.of("avx2", "avx_ifma")));
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(22, "amd64", Set.of("avx2", "avx_ifma")));
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(25, "aarch64", AVX512_IFMA));
        assertEquals(ChunkAuth.AES_GMAC, FastestMac.of(25, "amd64", Set.of()), "flags unreadable");
    }

    @Test
    void shouldReadThisCpusFlagsOnLinuxX86()
    {
        assumeTrue(Files.isReadable(Path.of("/proc/cpuinfo")) && "amd64".equals(System.getProperty("os.arch")));
        final Set<String> flags = FastestMac.cpuFlags();
        assertTrue(flags.contains("sse2"), () -> "flags read: " + flags);
    }
}
