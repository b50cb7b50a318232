package io.descent.k8s;

import io.descent.cli.DescentCli;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code descent} in-process and keeps what it printed on its output and error streams. */
record K8sCli(int exitCode, String out, String err)
{
    static K8sCli run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new K8sCli(code, out.toString(), err.toString());
    }

    /** Asserts exit 2 with exactly one error line, no stack trace, mentioning each of {@code expected}. */
    K8sCli assertBadInput(final String... expected)
    {
        assertEquals(2, exitCode, () -> "exit code; err: " + err);
        final String line = err.strip();
        assertFalse(line.contains("\n"), () -> "one line expected, got: " + err);
        assertFalse(line.contains("\tat ") || line.contains("Caused by"), () -> "no stack trace expected: " + err);
        assertTrue(line.startsWith("descent: "), line);
        for (final String part : expected)
        {
            assertTrue(line.contains(part), () -> "expected '" + part + "' in: " + line);
        }
        return this;
    }

    /** Asserts exit 0 and an empty error stream. */
    K8sCli assertOk()
    {
        assertEquals(0, exitCode, () -> "exit code; err: " + err);
        return this;
    }
}
