package io.descent.k8s;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.descent.train.TrainSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a user deploys: a named job with N workers running one image on one job. Built only through {@link #of},
 * which validates every field, so an instance is always deployable. Immutable.
 *
 * @param names         the job's resource names.
 * @param namespace     the target namespace, or null to leave it to {@code kubectl} (render only).
 * @param workers       worker count, 1..{@value #MAX_WORKERS}.
 * @param image         container image reference.
 * @param jobConfig     the resolved job as HOCON ({@link JobConfig#hocon}: preset or file, {@code --set}s, the seed
 *                      and every default), what every pod reads: the same job, so the same configuration digest.
 * @param clusterDomain the cluster's DNS domain, usually {@code cluster.local}.
 * @param cluster       {@code descent.cluster} settings ({@code key=value}) for every pod, after the base's own
 *                      (DESCENT_CLUSTER): e.g. {@code consistency=backup}.
 * @param servers       parameter-server shards, 1..{@value #MAX_SERVERS}: the coordinator's Job and
 *                      one more Job (pod, DNS name, checkpoint claim) per further shard.
 */
public record JobSpec(
    JobNames names, String namespace, int workers, String image, String jobConfig, String clusterDomain,
    List<String> cluster, int servers)
{
    private static final Pattern CLUSTER_SETTING = Pattern.compile("[A-Za-z][-A-Za-z0-9.]*=\\S+");

    /** Upper bound of parameter-server shards, as the cluster's settings allow (descent.cluster.servers). */
    public static final int MAX_SERVERS = 64;
    /** Upper bound of workers, as the cluster's settings allow. */
    public static final int MAX_WORKERS = 1024;
    /** A ConfigMap holds at most 1 MiB; keep room for the appended settings. */
    public static final int MAX_CONFIG_BYTES = 1_000_000;
    /** Longest job name: pod names {@code <job>-worker-<rank>-<5 chars>} must stay within 63 characters. */
    public static final int MAX_NAME_LENGTH = 40;

    /** Where the parameter server's pod mounts its checkpoint volume (k8s/base/job-ps.yaml). */
    public static final String CHECKPOINT_MOUNT = "/var/lib/descent/checkpoints";
    /** Where {@code --save-model} has the server write the model: on its checkpoint volume, beside the checkpoints. */
    public static final String MODEL_DIR = CHECKPOINT_MOUNT + "/model";
    /** The checkpoint directory the base gives the server (DESCENT_CHECKPOINT_DIR), which the model must not be in. */
    public static final String CHECKPOINT_DIR = CHECKPOINT_MOUNT + "/job";

    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    /**
     * Validates the user's settings and reads the job file (as {@code --config FILE} alone).
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
        return of(name, namespace, workers, image, JobArguments.of(null, config, List.of(), null).job(), clusterDomain);
    }

    /**
     * Validates the user's settings.
     *
     * @param job the resolved job; a model it saves ({@code train.save-model}) must go to the checkpoint volume.
     * @return a deployable job.
     * @throws BadInputException with one line naming the bad option, its value and how to fix it.
     */
    public static JobSpec of(
        final String name,
        final String namespace,
        final int workers,
        final String image,
        final JobConfig job,
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
        job.train().saveModel().ifPresent(JobSpec::checkModelDir);
        return new JobSpec(new JobNames(name), namespace, workers, image, hocon(job), clusterDomain, List.of(), 1);
    }

    /**
     * @param namespace the namespace the job goes to (validated by the caller).
     * @return this job in {@code namespace}.
     */
    public JobSpec withNamespace(final String namespace)
    {
        return new JobSpec(names, namespace, workers, image, jobConfig, clusterDomain, cluster, servers);
    }

    /**
     * @param settings {@code descent.cluster} settings as {@code key=value}, as {@code descent ps|worker --cluster}
     *                 takes them; every pod gets them (the pods validate the values at start).
     * @return this job with them.
     * @throws BadInputException for one that is not {@code key=value} without spaces, or that sets the cluster key.
     */
    public JobSpec withCluster(final List<String> settings)
    {
        for (final String set : settings)
        {
            if (!CLUSTER_SETTING.matcher(set).matches())
            {
                throw new BadInputException("--cluster '" + (set.toLowerCase(java.util.Locale.ROOT).contains("key") ?
                    "..." : set) + "' must look like key=value without spaces, e.g. consistency=backup");
            }
            if (set.substring(0, set.indexOf('=')).trim().equals("key"))
            {
                throw new BadInputException("--cluster must not set descent.cluster.key: it would show the cluster " +
                    "key in the pods' specification; the launcher puts it in a Secret");
            }
        }
        return new JobSpec(names, namespace, workers, image, jobConfig, clusterDomain, List.copyOf(settings),
            servers);
    }

    /**
     * @param count parameter-server shards ({@code --servers}).
     * @return this job with them.
     * @throws BadInputException for a count outside 1..{@value #MAX_SERVERS}.
     */
    public JobSpec withServers(final int count)
    {
        if (count < 1 || count > MAX_SERVERS)
        {
            throw new BadInputException("--servers " + count + " is out of range; give 1.." +
                MAX_SERVERS);
        }
        return new JobSpec(names, namespace, workers, image, jobConfig, clusterDomain, cluster, count);
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

    /** @return the job's model directory on the checkpoint volume, if it saves one. */
    public Optional<String> modelDir()
    {
        return savedModel(jobConfig);
    }

    /**
     * @param hocon a job's HOCON as put in its ConfigMap.
     * @return where its server saves the model ({@code train.save-model}), if it does.
     */
    public static Optional<String> savedModel(final String hocon)
    {
        try
        {
            final Config config = ConfigFactory.parseString(hocon);
            final String key = "train." + TrainSettings.SAVE_MODEL;
            return config.hasPath(key) && !config.getString(key).isBlank() ? Optional.of(config.getString(key)) :
                Optional.empty();
        }
        catch (final ConfigException ex)
        {
            return Optional.empty();
        }
    }

    private static void checkModelDir(final Path dir)
    {
        final Path mount = Path.of(CHECKPOINT_MOUNT);
        final Path normal = dir.normalize();
        if (!normal.isAbsolute() || !normal.startsWith(mount) || normal.equals(mount) ||
            normal.startsWith(Path.of(CHECKPOINT_DIR)))
        {
            throw new BadInputException("train.save-model '" + dir + "' is not on the parameter server's checkpoint " +
                "volume; on Kubernetes use --save-model (writes " + MODEL_DIR + ") or a directory under " +
                CHECKPOINT_MOUNT + "/ other than " + CHECKPOINT_DIR);
        }
    }

    private static String hocon(final JobConfig job)
    {
        final String text = "# descent k8s: the resolved job '" + job.name() + "' (preset or file, --set, --seed and " +
            "every default); every pod reads it\n" + job.hocon();
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_CONFIG_BYTES)
        {
            throw new BadInputException("the job's configuration is larger than " + MAX_CONFIG_BYTES + " bytes, more " +
                "than a ConfigMap holds; keep data out of the job (data.dir, data.csv.path)");
        }
        return text;
    }
}
