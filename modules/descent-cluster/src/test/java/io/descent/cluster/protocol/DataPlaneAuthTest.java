package io.descent.cluster.protocol;

import io.descent.nn.error.BadInputException;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.FastestMac;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code data-plane.auth}: what a node runs, what it offers at registration, and when the server refuses it; a node set
 * to {@code auto} takes the MAC of the node it registered with, so nodes whose runtimes would pick differently agree.
 */
class DataPlaneAuthTest
{
    private static final ClusterKey KEY = ClusterKey.parse("0123456789abcdef0123456789abcdef", "test");
    private static final String SOURCE = "descent.cluster.data-plane.auth";

    @Test
    void shouldResolveAutoToThisRuntimesFastestMacWithAKeyAndToCrcWithout()
    {
        assertEquals(FastestMac.onThisRuntime(), DataPlaneAuth.AUTO.resolve(KEY, SOURCE));
        assertEquals(ChunkAuth.CRC_ONLY, DataPlaneAuth.AUTO.resolve(ClusterKey.NONE, SOURCE));
        assertEquals(ChunkAuth.CHACHA20_POLY1305, DataPlaneAuth.parse("ChaCha20-Poly1305", SOURCE).resolve(KEY, SOURCE));
        final BadInputException noKey = assertThrows(BadInputException.class,
            () -> DataPlaneAuth.CHACHA20_POLY1305.resolve(ClusterKey.NONE, SOURCE));
        assertTrue(noKey.getMessage().contains("chacha20-poly1305 needs a cluster key"), noKey.getMessage());
        final BadInputException bad = assertThrows(BadInputException.class, () -> DataPlaneAuth.parse("poly", SOURCE));
        assertEquals(SOURCE + " = 'poly' is not allowed; use auto, hmac-sha256, aes-gmac, chacha20-poly1305 or none",
            bad.getMessage());
    }

    @Test
    void shouldOfferAutoOnlyForAutoWithAKey()
    {
        assertEquals(DataPlaneAuth.OFFER_AUTO, DataPlaneAuth.AUTO.offer(KEY, SOURCE));
        assertEquals("crc-only", DataPlaneAuth.AUTO.offer(ClusterKey.NONE, SOURCE));
        assertEquals("aes-gmac", DataPlaneAuth.AES_GMAC.offer(KEY, SOURCE));
        assertEquals("crc-only", DataPlaneAuth.NONE.offer(KEY, SOURCE));
    }

    @Test
    void shouldTakeTheServersMacOnlyWhenSetToAutoWithAKey()
    {
        for (final ChunkAuth server : new ChunkAuth[]{ ChunkAuth.HMAC_SHA256, ChunkAuth.AES_GMAC,
            ChunkAuth.CHACHA20_POLY1305 })
        {
            assertEquals(server, DataPlaneAuth.AUTO.resolve(KEY, SOURCE, server.label()));
            assertEquals(ChunkAuth.AES_GMAC, DataPlaneAuth.AES_GMAC.resolve(KEY, SOURCE, server.label()),
                "an explicit setting stays");
        }
        assertEquals(FastestMac.onThisRuntime(), DataPlaneAuth.AUTO.resolve(KEY, SOURCE, ""), "the server did not say");
        assertEquals(FastestMac.onThisRuntime(), DataPlaneAuth.AUTO.resolve(KEY, SOURCE, "crc-only"),
            "auto with a key never drops to CRC");
        assertEquals(ChunkAuth.CRC_ONLY, DataPlaneAuth.AUTO.resolve(ClusterKey.NONE, SOURCE, "aes-gmac"));
    }

    @Test
    void shouldRefuseWhatTheRegisteringNodeCannotRunInOneLine()
    {
        assertNull(DataPlaneAuth.refusal(ChunkAuth.CHACHA20_POLY1305, DataPlaneAuth.OFFER_AUTO, "the worker"));
        assertNull(DataPlaneAuth.refusal(ChunkAuth.AES_GMAC, "aes-gmac", "server shard 1"));
        assertNull(DataPlaneAuth.refusal(ChunkAuth.CRC_ONLY, "crc-only", "the worker"));
        assertEquals("data-plane authentication differs: the worker uses hmac-sha256 but the parameter server uses " +
            "chacha20-poly1305; set descent.cluster.data-plane.auth (auto lets every node take the server's MAC) and " +
            "the cluster key the same on every node",
            DataPlaneAuth.refusal(ChunkAuth.CHACHA20_POLY1305, "hmac-sha256", "the worker"));
        final String keyedAuto = DataPlaneAuth.refusal(ChunkAuth.CRC_ONLY, DataPlaneAuth.OFFER_AUTO, "server shard 2");
        assertTrue(null != keyedAuto && keyedAuto.startsWith("data-plane authentication differs: server shard 2 uses " +
            "a MAC (auto, with a cluster key) but the parameter server uses crc-only"), keyedAuto);
    }
}
