package io.descent.transport.driver;

import io.descent.transport.TestTransports;
import io.descent.transport.config.DriverSettings;

import java.nio.file.Path;

/** A child process that starts an embedded driver in the directory given as argument and waits to be killed. */
public final class DriverProcess
{
    private DriverProcess()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Path dir = Path.of(args[0]);
        final DriverSettings settings = TestTransports.settings(dir.getParent(), "").driver().withDir(dir);
        final TransportDriver driver = TransportDriver.start(settings);
        System.out.println("READY " + driver.directory());
        System.out.flush();
        // Parked until the test kills this process with SIGKILL, so that the directory is left behind.
        Thread.currentThread().join();
    }
}
