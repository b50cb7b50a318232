package io.descent.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What protects a node, as its report, {@code GET /health?format=json} and the {@code descent_security_info} gauge
 * say it: {@code "security":{"control_plane":"mutual-tls"|"none","data_plane":"aes-gmac"|"hmac-sha256"|"crc-only",
 * "cluster_key":true|false}}. Immutable.
 *
 * @param controlPlane {@link ControlPlaneSecurity#label()}: Akka remoting over mutual TLS or plain TCP.
 * @param dataPlane    the data plane's chunk authentication ({@code ChunkAuth.label()}).
 * @param clusterKey   whether registration requires the cluster's shared key.
 */
public record SecurityStatus(String controlPlane, String dataPlane, boolean clusterKey)
{
    /**
     * @param settings a node's validated settings.
     * @return what those settings turn on (the data plane as resolved against the key: {@code auto} with a key is a MAC).
     */
    public static SecurityStatus of(final ClusterSettings settings)
    {
        return new SecurityStatus(settings.controlPlane().label(), settings.dataPlane().label(),
            settings.key().present());
    }

    /** @return the report's and {@code /health}'s {@code security} object, in a stable key order. */
    public Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("control_plane", controlPlane);
        map.put("data_plane", dataPlane);
        map.put("cluster_key", clusterKey);
        return map;
    }

    /** @return the object as JSON (its three values are plain labels and a boolean: nothing to escape). */
    public String toJson()
    {
        return "{\"control_plane\":\"" + controlPlane + "\",\"data_plane\":\"" + dataPlane + "\",\"cluster_key\":" +
            clusterKey + "}";
    }
}
