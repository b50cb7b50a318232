package io.descent.k8s;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and edits the base's NetworkPolicy: its pod selector and the job-only rule (Akka and Aeron) follow the job's
 * name; the metrics rule (the one for port {@value #METRICS_PORT}) takes its peers from {@link MetricsAccess}, or goes
 * when nobody but the node may scrape. Fails loudly when the base lacks a rule, since render and base must agree.
 */
public final class NetworkPolicies
{
    /** The container port name of {@code /metrics} and {@code /health}. */
    public static final String METRICS_PORT = "http";

    private NetworkPolicies()
    {
    }

    /**
     * @param policy  the base's policy, edited in place.
     * @param names   the job's names.
     * @param metrics who may reach the metrics port.
     */
    public static void render(final NetworkPolicy policy, final JobNames names, final MetricsAccess metrics)
    {
        PodTemplates.relabel(policy.getSpec().getPodSelector().getMatchLabels(), names);
        for (final NetworkPolicyPeer peer : jobRule(policy).getFrom())
        {
            PodTemplates.relabel(peer.getPodSelector().getMatchLabels(), names);
        }
        final NetworkPolicyIngressRule scrape = metricsRule(policy);
        final List<NetworkPolicyPeer> peers = metrics.peers();
        if (peers.isEmpty())
        {
            policy.getSpec().getIngress().remove(scrape);
        }
        else
        {
            scrape.setFrom(new ArrayList<>(peers));
        }
    }

    /** @return the rule that lets the job's own pods in (every rule but the metrics one). */
    public static NetworkPolicyIngressRule jobRule(final NetworkPolicy policy)
    {
        return rule(policy, false);
    }

    /** @return the rule for the metrics port. */
    public static NetworkPolicyIngressRule metricsRule(final NetworkPolicy policy)
    {
        return rule(policy, true);
    }

    /** @return whether {@code rule} opens the metrics port. */
    public static boolean opensMetrics(final NetworkPolicyIngressRule rule)
    {
        return rule.getPorts().stream().map(NetworkPolicyPort::getPort)
            .anyMatch(p -> null != p && METRICS_PORT.equals(p.getStrVal()));
    }

    private static NetworkPolicyIngressRule rule(final NetworkPolicy policy, final boolean metrics)
    {
        final List<NetworkPolicyIngressRule> found = policy.getSpec().getIngress().stream()
            .filter(r -> metrics == opensMetrics(r)).toList();
        if (found.size() != 1)
        {
            throw new IllegalStateException("NetworkPolicy " + policy.getMetadata().getName() + " has " +
                found.size() + " " + (metrics ? "metrics" : "job") + " rules; the base must have one");
        }
        return found.get(0);
    }
}
