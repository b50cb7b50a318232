package io.descent.cluster;

/**
 * What protects a node's control plane (Akka remoting), for its report and {@code /health}
 * ({@code "control_plane": "mutual-tls" | "none"}). Immutable.
 */
public enum ControlPlaneSecurity
{
    /** Artery {@code tls-tcp}, TLSv1.3, each side proving a certificate of the job's CA. */
    MUTUAL_TLS("mutual-tls"),
    /** Artery plain {@code tcp}: anyone who reaches the port can join the Akka cluster. */
    NONE("none");

    private final String label;

    ControlPlaneSecurity(final String label)
    {
        this.label = label;
    }

    /** @return the name reports and {@code /health} use. */
    public String label()
    {
        return label;
    }
}
