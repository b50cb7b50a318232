package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may reach a job's {@code /metrics} and {@code /health} port through its NetworkPolicy, from
 * {@code --metrics-from}: pods of one namespace ({@code namespace=NAME}), pods with labels ({@code KEY=VALUE}, in the
 * job's namespace unless a namespace is given too), both ({@code namespace=monitoring,app=prometheus}), or
 * {@code none} (only the pod's own node, whose kubelet probes it). The default, {@link #DEFAULT}, is every pod in the
 * namespace {@value #DEFAULT_NAMESPACE}. Immutable.
 *
 * @param namespace the namespace the scrapers run in, or null for the job's own (or for none).
 * @param podLabels labels the scraping pods carry; empty for any pod of the namespace.
 * @param none      true when nothing but the node may reach the port.
 */
public record MetricsAccess(String namespace, Map<String, String> podLabels, boolean none)
{
    /** The namespace of the default rule, where Prometheus usually runs. */
    public static final String DEFAULT_NAMESPACE = "monitoring";
    /** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    /** Every pod in {@value #DEFAULT_NAMESPACE}. */
    public static final MetricsAccess DEFAULT = new MetricsAccess(DEFAULT_NAMESPACE, Map.of(), false);
    /** The option this comes from. */
    public static final String OPTION = "--metrics-from";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** Copies the labels. */
    public MetricsAccess
    {
        podLabels = Map.copyOf(podLabels);
    }

    /**
     * @param text the option's value: {@code none}, or comma-separated {@code namespace=NAME} (at most once) and
     *             {@code KEY=VALUE} pod labels.
     * @return the access it describes.
     * @throws BadInputException naming the option, the bad part and the expected form.
     */
    public static MetricsAccess parse(final String text)
    {
        final String trimmed = text.strip();
        if ("none".equals(trimmed))
        {
            return new MetricsAccess(null, Map.of(), true);
        }
        String namespace = null;
        final Map<String, String> labels = new LinkedHashMap<>();
        for (final String term : trimmed.split(",", -1))
        {
            final int eq = term.indexOf('=');
            if (eq <= 0)
            {
                throw bad(text, "'" + term.strip() + "' is not namespace=NAME or KEY=VALUE");
            }
            final String key = term.substring(0, eq).strip();
            final String value = term.substring(eq + 1).strip();
            if ("namespace".equals(key))
            {
                if (null != namespace)
                {
                    throw bad(text, "it names two namespaces");
                }
                if (value.length() > 63 || !Pattern.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?", value))
                {
                    throw bad(text, "'" + value + "' is not a namespace name");
                }
                namespace = value;
            }
            else
            {
                checkLabel(text, key, value);
                labels.put(key, value);
            }
        }
        return new MetricsAccess(namespace, labels, false);
    }

    /** @return the NetworkPolicy peers allowed to reach the metrics port: none, or one. */
    public List<NetworkPolicyPeer> peers()
    {
        if (none)
        {
            return List.of();
        }
        final NetworkPolicyPeer peer = new NetworkPolicyPeer();
        if (null != namespace)
        {
            peer.setNamespaceSelector(selector(Map.of(NAMESPACE_NAME_LABEL, namespace)));
        }
        if (!podLabels.isEmpty() || null == namespace)
        {
            peer.setPodSelector(selector(podLabels));
        }
        return List.of(peer);
    }

    /** @return the option's value that gives this access. */
    @Override
    public String toString()
    {
        if (none)
        {
            return "none";
        }
        final StringBuilder text = new StringBuilder();
        if (null != namespace)
        {
            text.append("namespace=").append(namespace);
        }
        podLabels.forEach((k, v) -> text.append(text.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return text.toString();
    }

    private static LabelSelector selector(final Map<String, String> labels)
    {
        final LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(new LinkedHashMap<>(labels));
        return selector;
    }

    private static void checkLabel(final String text, final String key, final String value)
    {
        final int slash = key.lastIndexOf('/');
        final String name = slash < 0 ? key : key.substring(slash + 1);
        final boolean prefixOk = slash < 0 || PREFIX.matcher(key.substring(0, slash)).matches();
        if (!prefixOk || !NAME.matcher(name).matches())
        {
            throw bad(text, "'" + key + "' is not a label key");
        }
        if (!VALUE.matcher(value).matches())
        {
            throw bad(text, "'" + value + "' is not a label value");
        }
    }

    private static BadInputException bad(final String text, final String why)
    {
        return new BadInputException(OPTION + " '" + text + "': " + why + "; give namespace=NAME, pod labels " +
            "KEY=VALUE[,KEY=VALUE], both (namespace=monitoring,app=prometheus), or none");
    }
}
