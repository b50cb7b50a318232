package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** Renders a job's manifests as one multi-document YAML stream, the form {@code kubectl apply -f -} reads. */
public final class Manifests
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private Manifests()
    {
    }

    /**
     * @param job           the job to deploy.
     * @param serialization fabric8's (de)serializer.
     * @return the job's resources, with a fresh random shared key.
     */
    public static List<HasMetadata> render(final JobSpec job, final KubernetesSerialization serialization)
    {
        return render(job, serialization, MetricsAccess.DEFAULT);
    }

    /**
     * @param job           the job to deploy.
     * @param serialization fabric8's (de)serializer.
     * @param metrics       who may reach the pods' metrics port.
     * @return the job's resources, with a fresh random shared key.
     */
    public static List<HasMetadata> render(
        final JobSpec job, final KubernetesSerialization serialization, final MetricsAccess metrics)
    {
        return new ManifestRenderer(new BaseManifests(serialization)).render(job, randomKey(), metrics);
    }

    /**
     * @param job           the job the resources belong to, named in the header comment.
     * @param items         the resources.
     * @param serialization fabric8's (de)serializer.
     * @return YAML documents separated by {@code ---}, after a one-line comment naming the job.
     */
    public static String toYaml(
        final JobSpec job, final List<HasMetadata> items, final KubernetesSerialization serialization)
    {
        final StringBuilder yaml = new StringBuilder()
            .append("# descent k8s render: job '").append(job.names().job()).append("', ")
            .append(job.workers()).append(" worker(s), image ").append(job.image()).append('\n');
        for (final HasMetadata item : items)
        {
            final String document = serialization.asYaml(item);
            if (!document.startsWith("---"))
            {
                yaml.append("---\n");
            }
            yaml.append(document);
            if (!document.endsWith("\n"))
            {
                yaml.append('\n');
            }
        }
        return yaml.toString();
    }

    /** @return 32 random bytes as hex: a fresh shared key for one job. */
    public static String randomKey()
    {
        final byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }
}
