package io.descent.transport.config;

/** Formats byte counts the way HOCON reads them (64k, 16m, 1g), for messages. Stateless, thread-safe. */
public final class Sizes
{
    private Sizes()
    {
    }

    /**
     * @param bytes a byte count.
     * @return the count with the largest exact binary unit, e.g. 16777216 → "16m", 1000 → "1000".
     */
    public static String format(final long bytes)
    {
        if (bytes != 0 && bytes % (1L << 30) == 0)
        {
            return (bytes >> 30) + "g";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0)
        {
            return (bytes >> 20) + "m";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0)
        {
            return (bytes >> 10) + "k";
        }
        return Long.toString(bytes);
    }
}
