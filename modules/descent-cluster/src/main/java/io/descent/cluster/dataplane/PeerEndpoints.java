package io.descent.cluster.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Checks a peer's data-plane endpoint before anything is opened to it: {@code ipc:<stream>} (an integer stream, on a
 * plane that receives over IPC itself, so it shares the peer's media driver) or {@code host:port} (port 1..65535, a
 * host that resolves). Stateless; thread-safe. Resolving a host name may block on DNS (the JVM caches answers).
 */
final class PeerEndpoints
{
    private PeerEndpoints()
    {
    }

    /**
     * @param endpoint   what the peer said it receives on.
     * @param ipcCapable true when this plane can reach IPC endpoints (it receives over IPC: a shared media driver).
     * @return null when the endpoint can be used, else one line saying what is wrong with it and how to fix it.
     */
    static String problem(final String endpoint, final boolean ipcCapable)
    {
        if (null == endpoint || endpoint.isBlank())
        {
            return "no data-plane endpoint given; start the worker with --aeron HOST:PORT or --aeron ipc";
        }
        final String named = "the data-plane endpoint '" + endpoint + "' (the worker's --aeron)";
        if (endpoint.startsWith(AeronDataPlane.IPC + ":"))
        {
            try
            {
                Integer.parseInt(endpoint.substring(AeronDataPlane.IPC.length() + 1));
            }
            catch (final NumberFormatException ex)
            {
                return named + " is not valid: the IPC stream must be an integer, as in ipc:1234";
            }
            return ipcCapable ? null : named + " is Aeron IPC, but this parameter server receives over UDP and " +
                "shares no media driver with it; start the worker with --aeron HOST:PORT, or both with --aeron ipc " +
                "on one host's shared driver";
        }
        final int colon = endpoint.lastIndexOf(':');
        if (colon <= 0)
        {
            return named + " is not valid: it must be HOST:PORT or ipc:STREAM";
        }
        final int port;
        try
        {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            return named + " is not valid: the port must be a number in 1..65535";
        }
        if (port < 1 || port > 65535)
        {
            return named + " is not valid: the port must be a number in 1..65535";
        }
        final String host = endpoint.substring(0, colon);
        try
        {
            InetAddress.getByName(host);
            return null;
        }
        catch (final UnknownHostException | SecurityException ex)
        {
            return named + " cannot be reached: host '" + host + "' does not resolve; give the worker an address " +
                "this parameter server can resolve";
        }
    }
}
