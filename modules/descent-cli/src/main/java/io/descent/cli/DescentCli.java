package io.descent.cli;

import io.descent.bench.BenchCommand;
import io.descent.cli.certs.CertsCommand;
import io.descent.cli.cluster.PsCommand;
import io.descent.cli.cluster.WorkerCommand;
import io.descent.cli.data.DataCommand;
import io.descent.cli.exit.ErrorLine;
import io.descent.cli.model.EvaluateCommand;
import io.descent.cli.model.ExportCommand;
import io.descent.cli.model.ModelCommand;
import io.descent.cli.model.PredictCommand;
import io.descent.cli.log.TerminalFilter;
import io.descent.k8s.K8sCommand;
import io.descent.nn.error.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code descent} command.
 *
 * <p>Exit codes: 0 success; 2 bad input (usage, config, data), reported as one line on stderr; 1 internal failure,
 * with the context in the log. A command that fails because the JVM is exiting (SIGTERM, Ctrl-C: its node was stopped
 * under it) prints nothing; the log says why. Running out of memory is an internal failure: one line on stderr names the limit to
 * raise ({@link OutOfMemory}), the stack trace goes to the log only.
 */
@Command(
    name = "descent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Distributed data-parallel neural network trainer.",
    subcommands = { TrainCommand.class, PsCommand.class, WorkerCommand.class, BenchCommand.class, K8sCommand.class,
        DataCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, ModelCommand.class,
        CertsCommand.class })
public final class DescentCli
{
    /** Exit code for bad input: usage, config or data errors. */
    public static final int EXIT_BAD_INPUT = BadInputException.EXIT_CODE;
    /** Exit code for internal failures. */
    public static final int EXIT_INTERNAL = 1;

    private static final Logger LOG = LoggerFactory.getLogger(DescentCli.class);

    private DescentCli()
    {
    }

    /**
     * Runs the command and exits with its code. An {@link OutOfMemoryError} on any other thread that nothing caught
     * also ends the process (exit 1, after the one line): a JVM that lost a thread to it cannot be trusted to go on.
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        Thread.setDefaultUncaughtExceptionHandler(DescentCli::onUncaught);
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code, without exiting the JVM (for tests).
     *
     * @param args command-line arguments.
     * @return the exit code.
     */
    public static int run(final String... args)
    {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with the given streams for picocli's own output and the one-line errors.
     *
     * @param out  usage and help.
     * @param err  error lines.
     * @param args command-line arguments.
     * @return the exit code.
     */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        return run(CommandLine.defaultFactory(), out, err, args);
    }

    /**
     * Runs the command line with commands made by {@code factory} (tests give commands a fake machine this way).
     *
     * @param factory makes the command objects.
     * @param out     usage and help.
     * @param err     error lines.
     * @param args    command-line arguments.
     * @return the exit code.
     */
    public static int run(
        final CommandLine.IFactory factory, final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new DescentCli(), factory).setOut(out).setErr(err);
        commandLine.setExecutionExceptionHandler(DescentCli::onExecutionException);
        commandLine.setParameterExceptionHandler(DescentCli::onParameterException);
        commandLine.setExecutionStrategy(parseResult ->
        {
            NativeMemoryPreflight.check();
            return new CommandLine.RunLast().execute(parseResult);
        });
        try
        {
            return commandLine.execute(args);
        }
        catch (final OutOfMemoryError ex)
        {
            // picocli hands only Exceptions to the handler; an Error thrown by the command ends up here.
            return onOutOfMemory(ex, deepestCommand(commandLine), err);
        }
    }

    private static int onExecutionException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        if (isJvmExiting())
        {
            // A signal stopped the process: its node going away under the command is the stop, not a failure.
            LOG.info("descent {} ended by the JVM's exit: {}", commandLine.getCommandName(), ex.toString());
            return EXIT_INTERNAL;
        }
        final OutOfMemoryError outOfMemory = OutOfMemory.find(ex);
        if (null != outOfMemory)
        {
            return onOutOfMemory(outOfMemory, commandLine.getCommandSpec().qualifiedName(), commandLine.getErr());
        }
        final BadInputException badInput = BadInputException.in(ex);
        if (null != badInput)
        {
            return ErrorLine.badInput(commandLine, badInput);
        }
        LOG.error("descent {} failed", commandLine.getCommandName(), ex);
        commandLine.getErr().println("descent: internal failure: " + ex + " (stack trace in " + LogFile.path() + ")");
        commandLine.getErr().flush();
        return EXIT_INTERNAL;
    }

    private static int onOutOfMemory(final OutOfMemoryError ex, final String command, final PrintWriter err)
    {
        err.println("descent: " + OutOfMemory.advice(ex, Runtime.getRuntime().maxMemory()) + " (in '" + command +
            "'; stack trace in " + LogFile.path() + ")");
        err.flush();
        try
        {
            LOG.error(TerminalFilter.LOG_ONLY, "{} ran out of memory", command, ex);
        }
        catch (final OutOfMemoryError again)
        {
            err.println("descent: could not log the stack trace either: " + again.getMessage());
            err.flush();
        }
        return EXIT_INTERNAL;
    }

    /**
     * The default uncaught-exception handler {@link #main} installs: an {@link OutOfMemoryError} prints the one line
     * and exits 1; anything else is printed as the JVM would.
     */
    static void onUncaught(final Thread thread, final Throwable ex)
    {
        final OutOfMemoryError outOfMemory = OutOfMemory.find(ex);
        if (null == outOfMemory)
        {
            // What the JVM prints without a default handler.
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            ex.printStackTrace();
            return;
        }
        System.exit(onOutOfMemory(outOfMemory, "descent, thread " + thread.getName(),
            new PrintWriter(System.err, true)));
    }

    /** @return true once the JVM has begun to exit (SIGTERM, SIGINT, System.exit): shutdown hooks are running. */
    private static boolean isJvmExiting()
    {
        final Thread probe = new Thread(() -> { }, "descent-exit-probe");
        try
        {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        }
        catch (final IllegalStateException exiting)
        {
            return true;
        }
    }

    private static String deepestCommand(final CommandLine commandLine)
    {
        CommandLine.ParseResult result = commandLine.getParseResult();
        if (null == result)
        {
            return commandLine.getCommandSpec().qualifiedName();
        }
        while (result.hasSubcommand())
        {
            result = result.subcommand();
        }
        return result.commandSpec().qualifiedName();
    }

    private static int onParameterException(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        commandLine.getErr().println("descent: " + ex.getMessage() + " (see '" +
            commandLine.getCommandSpec().qualifiedName() + " --help')");
        commandLine.getErr().flush();
        return EXIT_BAD_INPUT;
    }
}
