package io.descent.cluster.metrics;

/**
 * Whether a node can do its job, as {@code GET /health} reports it: 200 {@code ok}, or 503 and the reason.
 *
 * <p>Immutable, so a scrape thread reads a consistent pair.
 *
 * @param healthy true while the node makes progress (or can).
 * @param reason  one line saying why the node is unhealthy; {@code "ok"} when healthy.
 */
public record Health(boolean healthy, String reason)
{
    /** The healthy state. */
    public static final Health OK = new Health(true, "ok");

    /**
     * @param healthy true while the node makes progress (or can).
     * @param reason  why not, when unhealthy: line breaks become spaces so the probe shows one line.
     */
    public Health
    {
        reason = healthy ? "ok" : oneLine(reason);
    }

    private static String oneLine(final String reason)
    {
        if (null == reason || reason.isBlank())
        {
            return "unhealthy";
        }
        return reason.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
