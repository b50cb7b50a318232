package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Mutual TLS on the job's control plane ({@code --tls-secret}, {@code --no-tls}): by default render puts fresh
 * material in the job's Secret ({@link TlsSecret#material}); {@code --tls-secret NAME} mounts an existing Secret
 * instead (e.g. cert-manager's); {@code --no-tls} runs plain TCP. A picocli mixin of {@code render} and
 * {@code submit}.
 */
public final class TlsOptions
{
    private static final java.util.regex.Pattern SECRET_NAME =
        java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @Option(names = "--tls-secret", paramLabel = "NAME",
        description = "mount this existing Secret (keys ca.crt, tls.crt, tls.key; e.g. cert-manager's) as every " +
            "pod's --tls-dir instead of rendering a CA and certificate into the job's Secret")
    String secret;

    @Option(names = "--no-tls", description = "run the control plane (Akka) without TLS: anyone who reaches a pod's " +
        "Akka port can then join the job's Akka cluster")
    boolean off;

    /**
     * Adds the TLS material to the job's Secret (unless {@code --tls-secret} or {@code --no-tls}) and mounts it in
     * both pod templates.
     *
     * @param job   the job.
     * @param items its rendered resources, edited in place.
     * @return {@code items}.
     */
    public List<HasMetadata> apply(final JobSpec job, final List<HasMetadata> items)
    {
        if (off)
        {
            if (null != secret)
            {
                throw new io.descent.nn.error.BadInputException("--no-tls and --tls-secret " + secret +
                    " contradict each other; give one");
            }
            return items;
        }
        if (null != secret && (secret.length() > 253 || !SECRET_NAME.matcher(secret).matches()))
        {
            throw new io.descent.nn.error.BadInputException("--tls-secret '" + secret + "' is not a valid Secret " +
                "name; use lower-case letters, digits, '-' and '.'");
        }
        final String name = null == secret ? job.names().key() : secret;
        for (final HasMetadata item : items)
        {
            if (null == secret && item instanceof Secret key && job.names().key().equals(key.getMetadata().getName()))
            {
                key.getStringData().putAll(TlsSecret.material(job.names()));
            }
            else if (item instanceof Job batch)
            {
                TlsSecret.mount(batch.getSpec().getTemplate().getSpec(), name);
            }
        }
        return items;
    }
}
