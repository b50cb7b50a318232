package io.descent.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.util.Comparator;
import java.util.List;

/**
 * Reads a deployed job's Jobs (parameter server and its further shards, workers) and pods into a {@link JobStatus}. The server Job's
 * completion is the job's success: the server exits 0 only once the job is over (its final checkpoint and report
 * written), and a server restarted after success exits 0 at once.
 */
public final class StatusReader
{
    /** Annotation of an indexed Job's pod carrying its completion index, i.e. the worker's rank. */
    public static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

    private StatusReader()
    {
    }

    /**
     * @param kube  the API connection.
     * @param ns    the namespace.
     * @param names the job's names.
     * @return the job's status, or null when none of its resources exists.
     */
    public static JobStatus read(final KubeApi kube, final String ns, final JobNames names)
    {
        final String doing = "reading job '" + names.job() + "' in namespace " + ns;
        final Job ps = kube.call(doing,
            () -> kube.client().batch().v1().jobs().inNamespace(ns).withName(names.ps()).get());
        final Job workers = kube.call(doing,
            () -> kube.client().batch().v1().jobs().inNamespace(ns).withName(names.workers()).get());
        final List<Pod> pods = kube.call(doing,
            () -> kube.client().pods().inNamespace(ns).withLabels(names.jobLabels()).list().getItems());
        if (null == ps && null == workers && pods.isEmpty())
        {
            return null;
        }
        final List<JobStatus.Pod> podStates = pods.stream()
            .map(StatusReader::pod)
            .sorted(Comparator.comparing((JobStatus.Pod p) -> null != p.rank())
                .thenComparing(p -> null == p.rank() ? -1 : p.rank())
                .thenComparing(JobStatus.Pod::name))
            .toList();
        final List<Job> shardJobs = kube.call(doing, () -> kube.client().batch().v1().jobs().inNamespace(ns)
            .withLabels(names.componentLabels(JobNames.PS_COMPONENT)).list().getItems()).stream()
            .filter(job -> !names.ps().equals(job.getMetadata().getName()))
            .sorted(Comparator.comparing((Job job) -> job.getMetadata().getName().length())
                .thenComparing(job -> job.getMetadata().getName()))
            .toList();
        final boolean shardFailed = shardJobs.stream().anyMatch(job -> hasCondition(job, "Failed"));
        final String state = shardFailed && !"succeeded".equals(state(ps, workers)) ? "failed" : state(ps, workers);
        final ConfigMap config = kube.call(doing,
            () -> kube.client().configMaps().inNamespace(ns).withName(names.config()).get());
        return new JobStatus(names.job(), ns, state, parameterServer(ps), workers(workers), podStates,
            savedModel(names, ns, state, ps, config), shardJobs.stream()
            .map(job -> new JobStatus.Shard(job.getMetadata().getName(), parameterServer(job))).toList());
    }

    /** @return where the job's model goes, with the recipe to fetch it once the job has succeeded; null for none. */
    private static JobStatus.SavedModel savedModel(
        final JobNames names, final String ns, final String state, final Job ps, final ConfigMap config)
    {
        final String hocon = null == config || null == config.getData() ? null :
            config.getData().get(JobNames.CONFIG_KEY);
        final String dir = null == hocon ? null : JobSpec.savedModel(hocon).orElse(null);
        if (null == dir)
        {
            return null;
        }
        final boolean done = "succeeded".equals(state) && null != ps;
        return new JobStatus.SavedModel(dir, names.checkpoints(), done ? ModelFetch.commands(names, ns,
            PodTemplates.container(ps.getSpec().getTemplate().getSpec()).getImage(), dir) : List.of());
    }

    private static String state(final Job ps, final Job workers)
    {
        if (null != ps && hasCondition(ps, "Complete"))
        {
            return "succeeded";
        }
        if (null != ps && hasCondition(ps, "Failed") || null != workers && hasCondition(workers, "Failed"))
        {
            return "failed";
        }
        if (null == ps || null == workers)
        {
            return "incomplete";
        }
        // Workers done but the server not yet: it writes its final checkpoint and report.
        final int active = intOf(workers.getStatus() == null ? null : workers.getStatus().getActive());
        return parameterServer(ps).ready() > 0 && (active > 0 || hasCondition(workers, "Complete")) ?
            "running" : "starting";
    }

    private static boolean hasCondition(final Job job, final String type)
    {
        if (null == job.getStatus() || null == job.getStatus().getConditions())
        {
            return false;
        }
        for (final JobCondition condition : job.getStatus().getConditions())
        {
            if (type.equals(condition.getType()) && "True".equals(condition.getStatus()))
            {
                return true;
            }
        }
        return false;
    }

    private static JobStatus.ParameterServer parameterServer(final Job ps)
    {
        if (null == ps)
        {
            return null;
        }
        final var status = ps.getStatus();
        return new JobStatus.ParameterServer(
            null == status ? 0 : intOf(status.getActive()),
            null == status ? 0 : intOf(status.getReady()),
            null == status ? 0 : intOf(status.getSucceeded()),
            null == status ? 0 : intOf(status.getFailed()));
    }

    private static JobStatus.Workers workers(final Job job)
    {
        if (null == job)
        {
            return null;
        }
        final var status = job.getStatus();
        return new JobStatus.Workers(intOf(job.getSpec().getCompletions()),
            null == status ? 0 : intOf(status.getActive()),
            null == status ? 0 : intOf(status.getSucceeded()),
            null == status ? 0 : intOf(status.getFailed()));
    }

    private static JobStatus.Pod pod(final Pod pod)
    {
        final String index = null == pod.getMetadata().getAnnotations() ? null :
            pod.getMetadata().getAnnotations().get(INDEX_ANNOTATION);
        final String component = null == pod.getMetadata().getLabels() ? null :
            pod.getMetadata().getLabels().get(JobNames.COMPONENT_LABEL);
        final ContainerStatus container = null == pod.getStatus() || null == pod.getStatus().getContainerStatuses() ?
            null : pod.getStatus().getContainerStatuses().stream().findFirst().orElse(null);
        final String phase = null == pod.getStatus() || null == pod.getStatus().getPhase() ?
            "Unknown" : pod.getStatus().getPhase();
        if (null == container)
        {
            return new JobStatus.Pod(pod.getMetadata().getName(), component, rank(index), phase, false, 0, null, null);
        }
        final ContainerStateTerminated ended = terminated(container);
        final String waiting = null == container.getState() || null == container.getState().getWaiting() ?
            null : container.getState().getWaiting().getReason();
        return new JobStatus.Pod(pod.getMetadata().getName(), component, rank(index), phase,
            Boolean.TRUE.equals(container.getReady()), intOf(container.getRestartCount()),
            null != waiting ? waiting : null == ended ? null : ended.getReason(),
            null == ended || null == ended.getMessage() ? null : KubeApi.oneLine(ended.getMessage()));
    }

    private static ContainerStateTerminated terminated(final ContainerStatus container)
    {
        if (null != container.getState() && null != container.getState().getTerminated())
        {
            return container.getState().getTerminated();
        }
        return null == container.getLastState() ? null : container.getLastState().getTerminated();
    }

    private static Integer rank(final String index)
    {
        if (null == index)
        {
            return null;
        }
        try
        {
            return Integer.valueOf(index);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static int intOf(final Integer value)
    {
        return null == value ? 0 : value;
    }
}
