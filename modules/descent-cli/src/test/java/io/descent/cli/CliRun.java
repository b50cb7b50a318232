package io.descent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and keeps what it printed to its error stream. */
record CliRun(int exitCode, String err)
{
    static CliRun of(final String... args)
    {
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new CliRun(code, err.toString());
    }
}
