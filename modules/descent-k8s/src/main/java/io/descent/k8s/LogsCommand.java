package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.fabric8.kubernetes.api.model.Pod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code descent k8s logs}: the last lines of a job's pods, parameter server first, each under a header. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print the last log lines of a job's pods (parameter server, workers, or one worker by --rank).")
public final class LogsCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    ApiOptions api;

    @Option(names = "--role", paramLabel = "ROLE", description = "only this role: ps or worker")
    String role;

    @Option(names = "--rank", paramLabel = "R", description = "only the worker of this rank")
    Integer rank;

    @Option(names = "--tail", paramLabel = "LINES", defaultValue = "100",
        description = "lines per pod (default: ${DEFAULT-VALUE})")
    int tail;

    @Option(names = "--previous", description = "the previous (crashed) container's log")
    boolean previous;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobNames names = ref.names();
        final Map<String, String> labels = labels(names);
        if (tail < 1)
        {
            throw new BadInputException("--tail " + tail + " must be >= 1");
        }
        try (KubeApi kube = KubeApi.connect(api))
        {
            final String ns = kube.namespace(ref.namespace());
            final List<Pod> pods = kube.call("listing the pods of job '" + names.job() + "' in namespace " + ns,
                () -> kube.client().pods().inNamespace(ns).withLabels(labels).list().getItems()).stream()
                .filter(p -> null == rank || String.valueOf(rank).equals(annotation(p)))
                .sorted(Comparator.comparing((Pod p) -> null != annotation(p))
                    .thenComparing(p -> p.getMetadata().getName()))
                .toList();
            if (pods.isEmpty())
            {
                throw new BadInputException("no pods of job '" + names.job() + "'" +
                    (null == rank ? "" : " rank " + rank) + " in namespace " + ns +
                    "; check the job with descent k8s status --name " + names.job());
            }
            final PrintWriter out = spec.commandLine().getOut();
            for (final Pod pod : pods)
            {
                final String name = pod.getMetadata().getName();
                final String log = kube.call("reading the log of pod " + name, () -> previous ?
                    kube.client().pods().inNamespace(ns).withName(name).inContainer(PodTemplates.CONTAINER)
                        .terminated().tailingLines(tail).getLog() :
                    kube.client().pods().inNamespace(ns).withName(name).inContainer(PodTemplates.CONTAINER)
                        .tailingLines(tail).getLog());
                out.println("==> " + name + " <==");
                out.print(null == log ? "" : log);
                out.println();
            }
            out.flush();
        }
        return 0;
    }

    private Map<String, String> labels(final JobNames names)
    {
        if (null == role)
        {
            return names.jobLabels();
        }
        switch (role)
        {
            case "ps":
                return names.componentLabels(JobNames.PS_COMPONENT);
            case "worker":
                return names.componentLabels(JobNames.WORKER_COMPONENT);
            default:
                throw new BadInputException("--role '" + role + "' is not a role; use ps or worker");
        }
    }

    private static String annotation(final Pod pod)
    {
        final Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return null == annotations ? null : annotations.get(StatusReader.INDEX_ANNOTATION);
    }
}
