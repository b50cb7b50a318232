package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.descent.train.JobSource;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a user deploys: a named job with N workers running one image on one HOCON file. Built only through
 * {@link #of}, which validates every field, so an instance is always deployable. Immutable.
 *
 * @param names         the job's resource names.
 * @param namespace     the target namespace, or null to leave it to {@code kubectl} (render only).
 * @param workers       worker count, 1..{@value #MAX_WORKERS}.
 * @param image         container image reference.
 * @param jobConfig     the job's HOCON text as given by the user.
 * @param clusterDomain the cluster's DNS domain, usually {@code cluster.local}.
 */
public record JobSpec(
    JobNames names, String namespace, int workers, String image, String jobConfig, String clusterDomain)
{
    /** Upper bound of workers, as the cluster's settings allow. */
    public static final int MAX_WORKERS = 1024;
    /** A ConfigMap holds at most 1 MiB; keep room for the appended settings. */
    public static final int MAX_CONFIG_BYTES = 1_000_000;
    /** Longest job name: pod names {@code <job>-worker-<rank>-<5 chars>} must stay within 63 characters. */
    public static final int MAX_NAME_LENGTH = 40;

    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    /**
     * Validates the user's settings and reads the job file.
     *
     * @return a deployable job.
     * @throws BadInputException with one line naming the bad option, its value and how to fix it.
     */
    public static JobSpec of(
        final String name,
        final String namespace,
        final int workers,
        final String image,
        final Path config,
        final String clusterDomain)
    {
        checkName(name);
        if (null != namespace)
        {
            checkNamespace(namespace);
        }
        if (workers < 1 || workers > MAX_WORKERS)
        {
            throw new BadInputException("--workers " + workers + " is out of range; give 1.." + MAX_WORKERS);
        }
        checkImage(image);
        if (!DOMAIN.matcher(clusterDomain).matches())
        {
            throw new BadInputException("--cluster-domain '" + clusterDomain +
                "' is not a DNS domain, e.g. cluster.local");
        }
        return new JobSpec(new JobNames(name), namespace, workers, image, readConfig(config), clusterDomain);
    }

    /**
     * @param namespace the namespace the job goes to (validated by the caller).
     * @return this job in {@code namespace}.
     */
    public JobSpec withNamespace(final String namespace)
    {
        return new JobSpec(names, namespace, workers, image, jobConfig, clusterDomain);
    }

    /**
     * @param namespace a namespace name from the user.
     * @throws BadInputException when it is not a DNS-1123 label.
     */
    public static void checkNamespace(final String namespace)
    {
        if (namespace.length() > 63 || !DNS_1123.matcher(namespace).matches())
        {
            throw new BadInputException("--namespace '" + namespace + "' is not a valid namespace name; use " +
                "lower-case letters, digits and '-', at most 63 characters");
        }
    }

    /**
     * @param name a job name from the user.
     * @throws BadInputException when it is not a DNS-1035 label of at most {@value #MAX_NAME_LENGTH} characters.
     */
    public static void checkName(final String name)
    {
        if (name.length() > MAX_NAME_LENGTH || !DNS_1035.matcher(name).matches())
        {
            throw new BadInputException("--name '" + name + "' is not a valid job name; use lower-case letters, " +
                "digits and '-', starting with a letter, at most " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static void checkImage(final String image)
    {
        ImageReference.check(image);
    }

    private static String readConfig(final Path config)
    {
        // Parses it as the trainer will (one-line errors for a missing, unreadable or malformed file).
        JobSource.build(null, config, List.of(), null);
        try
        {
            if (Files.size(config) > MAX_CONFIG_BYTES)
            {
                throw new BadInputException("config file " + config + " is larger than " + MAX_CONFIG_BYTES +
                    " bytes, more than a ConfigMap holds; keep data out of the job file (data.dir)");
            }
            return Files.readString(config);
        }
        catch (final CharacterCodingException ex)
        {
            throw new BadInputException("config file " + config + " is not UTF-8 text; save it as UTF-8", ex);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("config file " + config + " cannot be read (" + ex.getMessage() +
                "); check its permissions", ex);
        }
    }
}
