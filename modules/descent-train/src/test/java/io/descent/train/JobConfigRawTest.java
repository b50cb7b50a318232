package io.descent.train;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link JobConfig#raw()} holds the job's sections only: it is stored with every checkpoint and hashed into the
 * configuration digest, so nothing of a node's own settings (the cluster key given as {@code -D} above all) may get in.
 */
class JobConfigRawTest
{
    private static final String KEY = "a-recognizable-key-0123456789-raw";

    @Test
    void shouldKeepSystemPropertiesOfOtherSectionsOutOfTheJobConfiguration()
    {
        // ConfigFactory.defaultReference() lays system properties over every reference.conf: -D settings of other
        // modules reached the merged job configuration through it.
        System.setProperty("descent.cluster.key", KEY);
        ConfigFactory.invalidateCaches();
        try
        {
            final JobConfig job = JobConfig.from(ConfigFactory.parseString("job { name = raw, seed = 3 }"));
            assertEquals(Set.of("job", "data", "model", "train"), job.raw().root().keySet());
            assertFalse(job.raw().root().render(ConfigRenderOptions.concise()).contains(KEY));
            assertEquals("raw", job.raw().getString("job.name"));
        }
        finally
        {
            System.clearProperty("descent.cluster.key");
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void shouldLeaveAFlatShapeOutSoDenseJobsKeepTheirDigest()
    {
        final JobConfig dense = JobConfig.from(ConfigFactory.parseString("job { name = flat, seed = 3 }"));
        assertFalse(dense.raw().hasPath("data.shape"), "a dense job's configuration is what it was before data.shape");
        assertEquals(dense.raw(), JobConfig.from(ConfigFactory.parseString(dense.hocon())).raw(), "read back the same");
        final JobConfig image = JobConfig.from(ConfigFactory.parseString(
            "job { name = image, seed = 3 }, data.shape = [1, 28, 28]"));
        assertEquals(List.of(1, 28, 28), image.raw().getIntList("data.shape"));
        assertEquals(image.raw(), JobConfig.from(ConfigFactory.parseString(image.hocon())).raw());
    }
}
