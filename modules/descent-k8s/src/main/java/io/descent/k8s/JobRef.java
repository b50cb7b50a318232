package io.descent.k8s;

import picocli.CommandLine.Option;

/** Options naming a deployed (or to be deployed) job: {@code --name} and {@code --namespace}. */
public final class JobRef
{
    @Option(names = "--name", paramLabel = "NAME", defaultValue = JobNames.BASE_JOB,
        description = "job name, prefix of its resources (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = { "-n", "--namespace" }, paramLabel = "NS",
        description = "namespace (default: the kubeconfig context's, else default; render: left to kubectl)")
    String namespace;

    /** @return the validated job's resource names. */
    public JobNames names()
    {
        JobSpec.checkName(name);
        return new JobNames(name);
    }

    /** @return the namespace given on the command line, or null. */
    public String namespace()
    {
        if (null != namespace)
        {
            JobSpec.checkNamespace(namespace);
        }
        return namespace;
    }
}
