package io.descent.cluster.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Host name, process id and allowed CPUs of this JVM, for registration messages and reports. Stateless.
 */
public final class NodeInfo
{
    private static final String CPUS_ALLOWED = "Cpus_allowed_list:";

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

    /**
     * @return the CPUs this process may run on, as Linux lists them (e.g. {@code "0-1"}, {@code "0,2"}; the
     * {@code Cpus_allowed_list} of {@code /proc/self/status}), or "" where that cannot be read.
     */
    public static String cpus()
    {
        try
        {
            return allowedCpus(Files.readAllLines(Path.of("/proc/self/status")));
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /** @return the value of the {@code Cpus_allowed_list} line of a {@code /proc/PID/status} text, or "". */
    static String allowedCpus(final List<String> status)
    {
        for (final String line : status)
        {
            if (line.startsWith(CPUS_ALLOWED))
            {
                return line.substring(CPUS_ALLOWED.length()).strip();
            }
        }
        return "";
    }
}
