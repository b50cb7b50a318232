package io.descent.cluster.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.ClusterSettings;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node closes once, whoever closes it first: its owner, or its shutdown hook while the JVM exits. */
class NodeRuntimeCloseTest
{
    private Path baseDir;

    @BeforeEach
    void makeBaseDir() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        baseDir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "descent-node-test-") :
            Files.createTempDirectory("descent-node-test-");
    }

    @AfterEach
    void deleteBaseDir()
    {
        IoUtil.delete(baseDir.toFile(), true);
    }

    @Test
    @Timeout(60)
    void shouldCloseOnceFromTwoThreadsAndRemoveItsDriverDirectory() throws Exception
    {
        final Config root = ConfigFactory.parseString("descent.transport.driver.base-dir = \"" + baseDir + "\"\n" +
            "descent.cluster.data-plane.bind = \"127.0.0.1:0\"").withFallback(ConfigFactory.load());
        final NodeRuntime runtime = NodeRuntime.startDataPlane(root, ClusterSettings.from(root));
        assertEquals(1, entries().size(), "its embedded driver's directory: " + entries());

        final Thread other = new Thread(runtime::close, "other-closer");
        other.start();
        runtime.close();
        other.join();
        runtime.close();

        assertEquals(List.of(), entries());
    }

    private List<Path> entries() throws IOException
    {
        try (Stream<Path> paths = Files.list(baseDir))
        {
            return paths.collect(Collectors.toList());
        }
    }
}
