package io.descent.cluster.node;

import io.descent.nn.error.BadInputException;

/**
 * A {@code host:port} address from the command line.
 *
 * @param host the host name or IP address.
 * @param port the port, 0..65535 (0: any free port where binding).
 */
public record HostPort(String host, int port)
{
    /**
     * @param text   {@code host:port}.
     * @param option the option it came from, for messages.
     * @return the address.
     * @throws BadInputException when it is not host:port with a valid port.
     */
    public static HostPort parse(final String text, final String option)
    {
        final int colon = null == text ? -1 : text.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new BadInputException(option + " '" + text + "' must be host:port, e.g. 127.0.0.1:2551");
        }
        try
        {
            final int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535)
            {
                throw new NumberFormatException("out of range");
            }
            return new HostPort(text.substring(0, colon), port);
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException(option + " '" + text + "': the port must be a number in 0..65535");
        }
    }

    @Override
    public String toString()
    {
        return host + ":" + port;
    }
}
