package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --metrics-from}: parsed, validated, and rendered into the job's NetworkPolicy. */
class MetricsAccessTest
{
    @TempDir
    Path dir;

    @Test
    void shouldParseANamespacePodLabelsBothOrNone()
    {
        assertEquals(new MetricsAccess("monitoring", Map.of(), false), MetricsAccess.parse("namespace=monitoring"));
        assertEquals(new MetricsAccess(null, Map.of("app.kubernetes.io/name", "prometheus"), false),
            MetricsAccess.parse("app.kubernetes.io/name=prometheus"));
        final MetricsAccess both = MetricsAccess.parse("namespace=obs, app=prom ,tier=scrape");
        assertEquals("obs", both.namespace());
        assertEquals(Map.of("app", "prom", "tier", "scrape"), both.podLabels());
        assertEquals(both, MetricsAccess.parse(both.toString()));
        assertTrue(MetricsAccess.parse("none").none());
        assertEquals(List.of(), MetricsAccess.parse("none").peers());
        assertEquals(MetricsAccess.DEFAULT, new AccessOptions().metrics(), "monitoring by default");
    }

    @Test
    void shouldSelectTheNamespaceByItsNameLabelAndThePodsByTheirs()
    {
        final NetworkPolicyPeer namespace = MetricsAccess.parse("namespace=monitoring").peers().get(0);
        assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"),
            namespace.getNamespaceSelector().getMatchLabels());
        assertNull(namespace.getPodSelector());
        final NetworkPolicyPeer pods = MetricsAccess.parse("app=prom").peers().get(0);
        assertNull(pods.getNamespaceSelector(), "pods of the job's own namespace");
        assertEquals(Map.of("app", "prom"), pods.getPodSelector().getMatchLabels());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "monitoring", "namespace=Monitoring", "namespace=a,namespace=b", "=x",
        "app=prom ethe us", "bad key=1", "-app=1", "example.com/=1", "app=x1234567891234567891234567891234567891234567891234567891234567891",
        "namespace=monitoring,", "UPPER.example.com/app=x" })
    void shouldRefuseWhatIsNotASelector(final String text)
    {
        final BadInputException bad = assertThrows(BadInputException.class, () -> MetricsAccess.parse(text));
        assertTrue(bad.getMessage().startsWith("--metrics-from '" + text + "'"), bad.getMessage());
        assertEquals(1, bad.getMessage().lines().count());
    }

    @Test
    void shouldRenderTheAccessIntoTheJobsNetworkPolicy() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("job.conf"), ManifestChecks.JOB);
        final JobSpec job = JobSpec.of("mnist", "team-a", 3, "descent:0.1.0", config, "cluster.local");
        final ManifestRenderer renderer = new ManifestRenderer(new BaseManifests(new KubernetesSerialization()));
        for (final String access : List.of("namespace=monitoring", "namespace=obs,app=prom", "app=prom", "none"))
        {
            final MetricsAccess metrics = MetricsAccess.parse(access);
            final List<HasMetadata> items = renderer.render(job, "k3y-0123456789abcdef", metrics);
            new ManifestChecks(items, job.names()).checkAll("team-a", 3, "descent:0.1.0", "cluster.local", metrics);
            for (final HasMetadata item : items)
            {
                assertEquals(List.of(), StrictModel.unknownFields(item), item.getKind());
            }
        }
    }
}
