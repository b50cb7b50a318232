package io.descent.cli.exit;

import io.descent.nn.error.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Prints bad input the way every {@code descent} command reports it: {@code descent: <message>}, one line on the
 * command's stderr, the stack trace only in the log at debug. Stateless and thread-safe.
 */
public final class ErrorLine
{
    private static final Logger LOG = LoggerFactory.getLogger(ErrorLine.class);

    private ErrorLine()
    {
    }

    /**
     * @param commandLine the command whose stderr gets the line.
     * @param problem     the bad input; its message is the line.
     * @return {@link BadInputException#EXIT_CODE}, the exit code to end with.
     */
    public static int badInput(final CommandLine commandLine, final BadInputException problem)
    {
        LOG.debug("bad input", problem);
        commandLine.getErr().println("descent: " + problem.getMessage());
        commandLine.getErr().flush();
        return BadInputException.EXIT_CODE;
    }
}
