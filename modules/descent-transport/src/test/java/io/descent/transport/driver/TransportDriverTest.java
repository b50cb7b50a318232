package io.descent.transport.driver;

import io.descent.transport.TestTransports;
import io.descent.transport.config.DriverSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Driver lifecycle: directories removed on close, stale directories of killed processes never block a start. */
class TransportDriverTest
{
    private Path baseDir;

    @BeforeEach
    void makeBaseDir()
    {
        baseDir = TestTransports.newBaseDir();
    }

    @AfterEach
    void deleteBaseDir()
    {
        TestTransports.deleteBaseDir(baseDir);
    }

    @Test
    void shouldRemoveAUniqueDirectoryOnClose()
    {
        final Path dir;
        try (TransportDriver driver = TransportDriver.start(settings()))
        {
            dir = driver.directory().getParent();
            assertTrue(driver.isEmbedded());
            assertTrue(dir.getFileName().toString().startsWith(DriverDirectories.PREFIX));
            assertEquals(baseDir, dir.getParent());
            assertTrue(Files.isDirectory(driver.directory()));
        }
        assertFalse(Files.exists(dir));
    }

    /** Nobody but the owner may enter the directories the log buffers (gradients and weights) are mapped from. */
    @Test
    void shouldCreateItsDirectoriesForTheOwnerOnly() throws Exception
    {
        try (TransportDriver driver = TransportDriver.start(settings()))
        {
            assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(driver.directory().getParent())), "the private unique directory");
            assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(driver.directory())), "the driver's own directory");
            assertTrue(Files.isRegularFile(driver.directory().resolve("cnc.dat")), "the driver runs in it");
        }
        final Path configured = baseDir.resolve("configured");
        try (TransportDriver driver = TransportDriver.start(settings().withDir(configured)))
        {
            assertEquals(configured, driver.directory());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configured)),
                "a configured directory, once the driver has re-created it");
        }
        assertFalse(Files.exists(configured));
    }

    @Test
    void shouldNeverReuseAnExistingDirectoryAsItsPrivateOne()
    {
        final Path dir = baseDir.resolve("shared");
        try (TransportDriver first = TransportDriver.start(settings().withDir(dir)))
        {
            assertThrows(IllegalStateException.class, () -> DriverDirectories.createPrivate(first.directory()));
        }
    }

    @Test
    @Timeout(60)
    void shouldCloseOnceWhenAHookAndTheOwnerBothClose() throws Exception
    {
        final TransportDriver driver = TransportDriver.start(settings());
        final Path dir = driver.directory();
        final Thread hook = new Thread(driver::close, "hook");
        hook.start();
        driver.close();
        hook.join();
        driver.close();
        assertFalse(Files.exists(dir));
        assertTrue(driver.aeron().isClosed());
    }

    @Test
    void shouldRemoveTheDirectoriesOfAnEndedProcessOnly() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, TimeUnit.SECONDS));
        final Path ended = Files.createDirectories(
            baseDir.resolve(DriverDirectories.PREFIX + finished.pid() + "-abc123"));
        Files.writeString(ended.resolve("cnc.dat"), "x");
        final Path longerPid = Files.createDirectories(
            baseDir.resolve(DriverDirectories.PREFIX + finished.pid() + "0-abc123"));
        final Path mine = Files.createDirectories(
            baseDir.resolve(DriverDirectories.PREFIX + ProcessHandle.current().pid() + "-def456"));

        assertEquals(1, DriverDirectories.removeOfEnded(baseDir, finished.pid()));
        assertEquals(0, DriverDirectories.removeOfEnded(baseDir, ProcessHandle.current().pid()));

        assertFalse(Files.exists(ended));
        assertTrue(Files.isDirectory(longerPid), "another pid that starts with the same digits");
        assertTrue(Files.isDirectory(mine), "a live process keeps its directory");
    }

    @Test
    @Timeout(60)
    void shouldStartInTheDirectoryOfAKilledProcess() throws Exception
    {
        final Path dir = baseDir.resolve("explicit");
        final Process child = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            DriverProcess.class.getName(), dir.toString()))
            .redirectErrorStream(true)
            .start();
        try
        {
            awaitReady(child);
            assertTrue(DriverDirectories.ownerPid(dir) == child.pid());
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(Files.isDirectory(dir), "a killed driver leaves its directory behind");

        try (TransportDriver driver = TransportDriver.start(settings().withDir(dir)))
        {
            assertEquals(ProcessHandle.current().pid(), DriverDirectories.ownerPid(driver.directory()));
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void shouldSweepUniqueDirectoriesOfDeadProcesses() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, TimeUnit.SECONDS));
        final Path stale = baseDir.resolve(DriverDirectories.PREFIX + finished.pid() + "-abc123");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve("leftover"), "x");

        try (TransportDriver driver = TransportDriver.start(settings()))
        {
            assertFalse(Files.exists(stale));
            assertTrue(Files.isDirectory(driver.directory()));
        }
    }

    @Test
    void shouldRefuseADirectoryUsedByALiveDriver()
    {
        final Path dir = baseDir.resolve("shared");
        try (TransportDriver first = TransportDriver.start(settings().withDir(dir)))
        {
            final IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> TransportDriver.start(settings().withDir(dir)));
            assertTrue(error.getMessage().contains(dir.toString()), error.getMessage());
            assertTrue(Files.isDirectory(first.directory()));
        }
    }

    @Test
    void shouldConnectToAnExternalDriver()
    {
        final Path dir = baseDir.resolve("external");
        try (TransportDriver embedded = TransportDriver.start(settings().withDir(dir));
            TransportDriver external = TransportDriver.start(new DriverSettings(DriverSettings.Mode.EXTERNAL, dir,
                baseDir, embedded.settings().threadingMode(), embedded.settings().idle(), 1 << 20, 1 << 20, 1408,
                1408, 1408, 1 << 20, 1 << 20, 1 << 19, false, TimeUnit.SECONDS.toNanos(5))))
        {
            assertFalse(external.isEmbedded());
            assertTrue(external.aeron().clientId() != embedded.aeron().clientId());
        }
        assertFalse(Files.exists(dir));
    }

    private DriverSettings settings()
    {
        return TestTransports.settings(baseDir, "").driver();
    }

    private static void awaitReady(final Process child) throws IOException
    {
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        final StringBuilder seen = new StringBuilder();
        while (null != (line = out.readLine()))
        {
            if (line.startsWith("READY"))
            {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("driver process exited before it was ready:\n" + seen);
    }
}
