package io.descent.bench.model;

/**
 * What share of a link's rate carries buffer bytes in Descent's UDP data plane at a link MTU: each Aeron frame holds
 * a 32-byte frame header, the chunk's 104-byte header and 16-byte tag, and goes in an IP + UDP (28 bytes) and
 * Ethernet (14 bytes) packet; the frame is the MTU less 48 bytes, down to a multiple of 32 (netns-cluster.sh's
 * rule). Stateless.
 */
public final class WireFraming
{
    private static final int AERON_HEADER = 32;
    private static final int CHUNK_OVERHEAD = 104 + 16;
    private static final int IP_UDP = 28;
    private static final int ETHERNET = 14;

    private WireFraming()
    {
    }

    /**
     * @param mtu the link MTU in bytes.
     * @return payload bytes ÷ bytes on the wire, in (0, 1).
     */
    public static double efficiency(final int mtu)
    {
        final int frame = frameBytes(mtu);
        final int payload = (frame - AERON_HEADER - CHUNK_OVERHEAD) / 64 * 64;
        if (payload <= 0)
        {
            throw new IllegalArgumentException("MTU " + mtu + " leaves no room for a chunk's payload");
        }
        return (double)payload / (frame + IP_UDP + ETHERNET);
    }

    /**
     * @param mtu the link MTU in bytes.
     * @return the nodes' Aeron frame on that link: the MTU less 48 bytes, down to a multiple of 32, at most 65504.
     */
    public static int frameBytes(final int mtu)
    {
        return Math.min(65504, (mtu - 48) / 32 * 32);
    }
}
