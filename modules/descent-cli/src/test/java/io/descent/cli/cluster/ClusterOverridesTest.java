package io.descent.cli.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --cluster} overrides: the cluster key is refused however the HOCON spells it, and never echoed. */
class ClusterOverridesTest
{
    private static final String KEY = "s3cret-0123456789abcdef";

    @ParameterizedTest
    @ValueSource(strings = {
        "key=" + KEY,
        " key =" + KEY,
        "\"key\"=" + KEY,
        "\"ke\\u0079\"=" + KEY,
        "key=\"" + KEY + "\"",
        "step-timeout=30s, descent.cluster.key=\"" + KEY + "\"",
        "step-timeout=30s\ndescent.cluster.key=\"" + KEY + "\"",
        "step-timeout=30s\ndescent.cluster { key = \"" + KEY + "\" }",
        "step-timeout=30s\ndescent { cluster { key = \"" + KEY + "\" } }",
        "step-timeout=30s\n\"descent\".\"cluster\".\"key\" = \"" + KEY + "\"",
        "step-timeout=30s\nsecret { key = \"" + KEY + "\" }\ndescent.cluster = ${secret}",
        "step-timeout=30s\ndescent.cluster = ${no.such.path.in.any.test}",
        "key=${?HOME}",
        "key=null",
        "key={ x = \"" + KEY + "\" }",
    })
    void shouldRefuseTheClusterKeyWhateverTheSpelling(final String set)
    {
        final BadInputException refused = assertThrows(BadInputException.class, () -> ClusterOverrides.parse(set));
        assertTrue(refused.getMessage().contains("must not set descent.cluster.key") &&
            refused.getMessage().contains("--cluster-key-file"), refused.getMessage());
        assertFalse(refused.getMessage().contains(KEY), "the key is never repeated: " + refused.getMessage());
    }

    @Test
    void shouldNotRepeatAMalformedSettingThatMayHoldTheKey()
    {
        final BadInputException refused = assertThrows(BadInputException.class,
            () -> ClusterOverrides.parse("\"key\"=" + KEY + " {"));
        assertFalse(refused.getMessage().contains(KEY), refused.getMessage());
        assertTrue(refused.getMessage().contains("is not a valid setting"), refused.getMessage());
    }

    @Test
    void shouldApplyOrdinarySettingsInOrder()
    {
        final Config root = ClusterOverrides.apply(List.of("step-timeout=30s", "checkpoint.every=5m",
            "step-timeout = 40s", "data-plane { stream-id = 7 }"), ConfigFactory.empty());
        assertEquals("40s", root.getString("descent.cluster.step-timeout"));
        assertEquals("5m", root.getString("descent.cluster.checkpoint.every"));
        assertEquals(7, root.getInt("descent.cluster.data-plane.stream-id"));
        assertFalse(root.hasPath("descent.cluster.key"));
    }

    @Test
    void shouldStillRefuseSettingsThatAreNotKeyValue()
    {
        assertTrue(assertThrows(BadInputException.class, () -> ClusterOverrides.parse("step-timeout"))
            .getMessage().contains("must look like key=value"));
    }
}
