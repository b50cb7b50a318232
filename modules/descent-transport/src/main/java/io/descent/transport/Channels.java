package io.descent.transport;

import io.aeron.ChannelUri;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.descent.transport.config.DriverSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Aeron channel strings for the transport's three shapes, with the term length, MTU and sparseness of the settings
 * so that every publication gets the geometry the chunking assumes. Immutable; thread-safe.
 */
public final class Channels
{
    private final DriverSettings settings;

    /** @param settings the driver settings the channels follow. */
    public Channels(final DriverSettings settings)
    {
        this.settings = settings;
    }

    /** @return {@code aeron:ipc} within one media driver (one process, or processes sharing an external driver). */
    public String ipc()
    {
        return new ChannelUriStringBuilder()
            .media(CommonContext.IPC_MEDIA)
            .termLength(settings.ipcTermLength())
            .mtu(settings.ipcMtu())
            .sparse(settings.sparseTerms())
            .build();
    }

    /**
     * @param endpoint {@code host:port} the receiver binds (port 0 on the receiving side picks a free port; see
     *                 {@link io.descent.transport.receive.BufferReceiver#resolvedChannel()}).
     * @return a UDP unicast channel, for a publication to or a subscription at {@code endpoint}; with
     *         {@code loopback-mtu} frames when the endpoint is a loopback address, else {@code mtu}.
     */
    public String udp(final String endpoint)
    {
        return new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(endpoint)
            .termLength(settings.termLength())
            .mtu(isLoopback(endpoint) ? settings.loopbackMtu() : settings.mtu())
            .sparse(settings.sparseTerms())
            .build();
    }

    /**
     * A multi-destination-cast publication (manual control: destinations added with
     * {@code publication.addDestination(destination(endpoint))}), flow-controlled by the slowest receiver, so one
     * copy into the term buffer reaches every receiver (weight broadcast). The publication reports connected only
     * once {@code receivers} receivers are, so a send never starts before the last one has joined.
     *
     * @param endpoints the receivers' {@code host:port}; all of them must be connected. When every one is a
     *                  loopback address the publication uses {@code loopback-mtu} frames, else {@code mtu}.
     * @return the publication channel.
     */
    public String broadcast(final java.util.List<String> endpoints)
    {
        final int receivers = endpoints.size();
        final boolean loopback = endpoints.stream().allMatch(Channels::isLoopback);
        return new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .controlMode(CommonContext.MDC_CONTROL_MODE_MANUAL)
            .flowControl("min,g:/" + receivers)
            .termLength(settings.termLength())
            .mtu(loopback ? settings.loopbackMtu() : settings.mtu())
            .sparse(settings.sparseTerms())
            .build();
    }

    /** @return the destination channel for one receiver of a {@link #broadcast(java.util.List)} publication. */
    public static String destination(final String endpoint)
    {
        return new ChannelUriStringBuilder().media(CommonContext.UDP_MEDIA).endpoint(endpoint).build();
    }

    /**
     * @param endpoint {@code host:port}, {@code [v6]:port}.
     * @return true when the host is a loopback name or address (resolved without DNS for literals).
     */
    public static boolean isLoopback(final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        String host = colon > 0 ? endpoint.substring(0, colon) : endpoint;
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        if ("localhost".equalsIgnoreCase(host))
        {
            return true;
        }
        try
        {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final UnknownHostException ex)
        {
            return false;
        }
    }

    /**
     * @param channel a UDP channel string.
     * @return its {@code endpoint} parameter ({@code host:port}), or null.
     */
    public static String endpointOf(final String channel)
    {
        return ChannelUri.parse(channel).get(CommonContext.ENDPOINT_PARAM_NAME);
    }

    /**
     * @param channel   a publication channel.
     * @param sessionId the session id the publication must use (a receiver that binds senders to sessions learns it
     *                  beforehand, e.g. at registration).
     * @return the channel with that {@code session-id}.
     */
    public static String withSession(final String channel, final int sessionId)
    {
        final ChannelUri uri = ChannelUri.parse(channel);
        uri.put(CommonContext.SESSION_ID_PARAM_NAME, Integer.toString(sessionId));
        return uri.toString();
    }
}
