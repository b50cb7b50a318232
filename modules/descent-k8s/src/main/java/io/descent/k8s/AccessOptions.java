package io.descent.k8s;

import picocli.CommandLine.Option;

/** Who may reach a job's pods beyond the job itself: {@code --metrics-from} (render and submit). A picocli mixin. */
public final class AccessOptions
{
    @Option(names = MetricsAccess.OPTION, paramLabel = "WHO",
        description = "who may reach /metrics and /health through the job's NetworkPolicy: namespace=NAME, pod " +
            "labels KEY=VALUE[,KEY=VALUE], both (namespace=monitoring,app=prometheus), or none (default: " +
            "namespace=" + MetricsAccess.DEFAULT_NAMESPACE + "; the kubelet's probes always pass)")
    String metricsFrom;

    /** @return the validated access. */
    public MetricsAccess metrics()
    {
        return null == metricsFrom ? MetricsAccess.DEFAULT : MetricsAccess.parse(metricsFrom);
    }
}
