package io.descent.k8s;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code descent k8s delete}: removes a job's resources and, in the background, its pods. Checkpoint volumes stay
 * unless {@code --checkpoints} is given, so a deleted job can be resumed.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a deployed job (its checkpoint volumes are kept unless --checkpoints).")
public final class DeleteCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    ApiOptions api;

    @Option(names = "--checkpoints", description = "also delete the parameter server's checkpoint volumes (PVCs)")
    boolean checkpoints;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobNames names = ref.names();
        try (KubeApi kube = KubeApi.connect(api))
        {
            final String ns = kube.namespace(ref.namespace());
            final JobLauncher.Deletion deletion = JobLauncher.delete(kube, ns, names, checkpoints);
            final PrintWriter out = spec.commandLine().getOut();
            deletion.deleted().forEach(d -> out.println("deleted " + d));
            deletion.kept().forEach(k -> out.println("kept " + k + " (checkpoints; --checkpoints deletes it)"));
            out.println("deleted job '" + names.job() + "' from namespace " + ns);
            out.flush();
        }
        return 0;
    }
}
