package io.descent.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code descent k8s status}: the state of a deployed job, its parameter server, workers and pods. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a deployed job's state: parameter server, workers, pods (restarts and why they ended); for a " +
        "job that saves its model (--save-model), where, and once it succeeded the kubectl commands that fetch it.")
public final class StatusCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "print JSON (fields: name, namespace, state, ps, workers, pods, model)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException
    {
        final JobNames names = ref.names();
        try (KubeApi kube = KubeApi.connect(api))
        {
            final String ns = kube.namespace(ref.namespace());
            final JobStatus status = StatusReader.read(kube, ns, names);
            if (null == status)
            {
                throw new BadInputException("no job '" + names.job() + "' in namespace " + ns + "; list jobs with " +
                    "kubectl get jobs -n " + ns + " -l " + JobNames.NAME_LABEL + "=" + JobNames.APP);
            }
            final PrintWriter out = spec.commandLine().getOut();
            if (json)
            {
                out.println(JsonReports.mapper().writeValueAsString(status));
            }
            else
            {
                status.lines().forEach(out::println);
            }
            out.flush();
        }
        return 0;
    }
}
