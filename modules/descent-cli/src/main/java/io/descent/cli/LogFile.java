package io.descent.cli;

/** Where the full log goes (stderr only gets warnings and the one-line errors). */
final class LogFile
{
    private LogFile()
    {
    }

    /** @return the log file path, as logback.xml computes it. */
    static String path()
    {
        final String configured = System.getenv("DESCENT_LOG_FILE");
        return null != configured ? configured : System.getProperty("java.io.tmpdir") + "/descent.log";
    }
}
