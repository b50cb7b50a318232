package io.descent.cluster.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Host name and process id of this JVM, for registration messages and reports. Stateless.
 */
public final class NodeInfo
{
    private NodeInfo()
    {
    }

    /** @return this machine's host name, or "localhost" when it cannot be resolved. */
    public static String host()
    {
        final String env = System.getenv("HOSTNAME");
        if (null != env && !env.isBlank())
        {
            return env;
        }
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final UnknownHostException ex)
        {
            return "localhost";
        }
    }

    /** @return this process's id. */
    public static long pid()
    {
        return ProcessHandle.current().pid();
    }
}
