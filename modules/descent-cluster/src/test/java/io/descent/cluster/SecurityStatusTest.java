package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.wire.FastestMac;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a node's settings turn on, as its report and {@code /health} say it. */
class SecurityStatusTest
{
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void shouldSayNothingIsOnWithoutKeyOrTls()
    {
        final ClusterSettings plain = ClusterSettings.from(ConfigFactory.load(), Map.of());
        assertEquals(new SecurityStatus("none", "crc-only", false), SecurityStatus.of(plain));
        assertEquals("{\"control_plane\":\"none\",\"data_plane\":\"crc-only\",\"cluster_key\":false}",
            SecurityStatus.of(plain).toJson());
    }

    @Test
    void shouldSayTheDataPlaneMacTheKeyTurnsOn()
    {
        final ClusterSettings keyed = ClusterSettings.from(ConfigFactory.parseString("descent.cluster.key = \"" + KEY +
            "\"").withFallback(ConfigFactory.load()), Map.of());
        assertEquals(new SecurityStatus("none", FastestMac.onThisRuntime().label(), true), SecurityStatus.of(keyed));
        final ClusterSettings hmac = ClusterSettings.from(ConfigFactory.parseString("descent.cluster { key = \"" + KEY +
            "\", data-plane.auth = hmac-sha256 }").withFallback(ConfigFactory.load()), Map.of());
        assertEquals(Map.of("control_plane", "none", "data_plane", "hmac-sha256", "cluster_key", true),
            SecurityStatus.of(hmac).toMap());
    }
}
