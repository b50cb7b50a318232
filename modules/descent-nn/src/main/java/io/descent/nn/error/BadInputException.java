package io.descent.nn.error;

/**
 * A problem with what the user gave us (config, data, command line), as opposed to an internal failure.
 *
 * <p>The message is the whole story on one line: what is wrong, where (key, file, line, column) and how to fix it.
 * The command line prints only the message and exits with code 2; no stack trace reaches the user.
 */
public class BadInputException extends RuntimeException
{
    /** The exit code of a process that stops on bad input. */
    public static final int EXIT_CODE = 2;

    /**
     * @param message one line: what, where, how to fix.
     */
    public BadInputException(final String message)
    {
        super(message);
    }

    /**
     * @param message one line: what, where, how to fix.
     * @param cause   the underlying failure, kept for the debug log.
     */
    public BadInputException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * Finds the bad input behind a failure, e.g. one thrown on another thread and wrapped on its way back.
     *
     * @param failure a failure, or null.
     * @return the first {@code BadInputException} in its cause chain, or null when there is none.
     */
    public static BadInputException in(final Throwable failure)
    {
        for (Throwable t = failure; null != t; t = t.getCause())
        {
            if (t instanceof BadInputException badInput)
            {
                return badInput;
            }
        }
        return null;
    }
}
