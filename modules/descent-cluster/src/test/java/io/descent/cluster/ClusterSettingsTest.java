package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the cluster key comes from and how a bad one is reported; the deadlines health judges progress by; how long
 * a worker looks for a lost server.
 */
class ClusterSettingsTest
{
    private static final String FILE_KEY = "key-from-the-config-file";
    private static final String ENV_KEY = "key-from-the-environment";

    @Test
    void shouldHaveNoKeyByDefault()
    {
        assertFalse(ClusterSettings.from(ConfigFactory.empty(), Map.of()).key().present());
        assertFalse(ClusterSettings.from(ConfigFactory.empty(), Map.of(ClusterKey.ENV, "")).key().present());
    }

    @Test
    void shouldPreferTheEnvironmentOverTheSetting()
    {
        final var config = ConfigFactory.parseString("descent.cluster.key = \"" + FILE_KEY + "\"");
        assertEquals(ClusterKey.parse(FILE_KEY, "x"), ClusterSettings.from(config, Map.of()).key());
        final ClusterSettings settings = ClusterSettings.from(config, Map.of(ClusterKey.ENV, ENV_KEY));
        assertEquals(ClusterKey.parse(ENV_KEY, "x"), settings.key());
        assertEquals("the environment variable DESCENT_CLUSTER_KEY", settings.key().source());
        assertFalse(settings.toString().contains(ENV_KEY), "the settings' toString hides the key");
        assertEquals(settings.key(), settings.withWorkers(3).key());
    }

    @Test
    void shouldRejectAShortKeyInOneLineNamingWhereItCameFrom()
    {
        final var config = ConfigFactory.parseString("descent.cluster.key = tooshort");
        final String fromSetting = assertThrows(BadInputException.class,
            () -> ClusterSettings.from(config, Map.of())).getMessage();
        assertTrue(fromSetting.startsWith("descent.cluster.key is 8 bytes long"), fromSetting);
        final String fromEnv = assertThrows(BadInputException.class,
            () -> ClusterSettings.from(ConfigFactory.empty(), Map.of(ClusterKey.ENV, "tooshort"))).getMessage();
        assertTrue(fromEnv.startsWith("the environment variable DESCENT_CLUSTER_KEY is 8 bytes long"), fromEnv);
        assertFalse(fromSetting.contains("tooshort") || fromEnv.contains("tooshort") || fromEnv.contains("\n"));
    }

    @Test
    void shouldAddTheStallMarginToEachRolesOwnDeadlines()
    {
        final ClusterSettings settings = ClusterSettings.from(ConfigFactory.parseString("descent.cluster { " +
            "step-timeout = 6s, send-timeout = 2s, weights-timeout = 30s, stall-margin = 5s }"), Map.of());
        assertEquals(java.time.Duration.ofSeconds(13), settings.serverProgress().within());
        assertEquals("descent.cluster.step-timeout 6 s + send-timeout 2 s + stall-margin 5 s",
            settings.serverProgress().rule());
        assertEquals(java.time.Duration.ofSeconds(37), settings.workerProgress().within());
        assertEquals(java.time.Duration.ofSeconds(120), ClusterSettings.from(ConfigFactory.empty(), Map.of())
            .stallMargin(), "the default");
        final String negative = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.stall-margin = -1s"), Map.of())).getMessage();
        assertTrue(negative.startsWith("descent.cluster.stall-margin = -1s is out of range"), negative);
    }

    @Test
    void shouldMeasureTheJoinMarginUnlessItIsANumberOfSteps()
    {
        assertEquals(0, ClusterSettings.from(ConfigFactory.empty(), Map.of()).joinMarginSteps(), "auto by default");
        assertEquals(12, ClusterSettings.from(ConfigFactory.parseString("descent.cluster.join-margin = 12"), Map.of())
            .joinMarginSteps());
        final String bad = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.join-margin = soon"), Map.of())).getMessage();
        assertEquals("descent.cluster.join-margin = 'soon' must be auto or a number of steps in 1..1000000", bad);
    }

    @Test
    void shouldBoundTheSearchForALostServer()
    {
        assertEquals(java.time.Duration.ofMinutes(3), ClusterSettings.from(ConfigFactory.empty(), Map.of())
            .serverLostTimeout(), "the default");
        final ClusterSettings settings = ClusterSettings.from(ConfigFactory.parseString(
            "descent.cluster.server-lost-timeout = 45s"), Map.of());
        assertEquals(java.time.Duration.ofSeconds(45), settings.withWorkers(3).withKey(ClusterKey.NONE)
            .serverLostTimeout(), "kept by the copies");
        final String zero = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.server-lost-timeout = 0s"), Map.of())).getMessage();
        assertTrue(zero.startsWith("descent.cluster.server-lost-timeout = 0s is out of range"), zero);
    }

    @Test
    void shouldReadTheServerShardsAndRefuseOutOfRange()
    {
        final ClusterSettings defaults = ClusterSettings.from(ConfigFactory.empty(), Map.of());
        assertEquals(1, defaults.servers());
        assertEquals(256 * 1024, defaults.shardMinBytes());
        final ClusterSettings two = ClusterSettings.from(ConfigFactory.parseString(
            "descent.cluster { servers = 2, shard-min-bytes = 64k }"), Map.of());
        assertEquals(2, two.servers());
        assertEquals(64 * 1024, two.shardMinBytes());
        assertEquals(3, two.withServers(3).servers());
        final String zero = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.servers = 0"), Map.of())).getMessage();
        assertTrue(zero.contains("descent.cluster.servers = 0") && zero.contains("1..64"), zero);
        final String tiny = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.shard-min-bytes = 100"), Map.of())).getMessage();
        assertTrue(tiny.contains("shard-min-bytes"), tiny);
    }
}
