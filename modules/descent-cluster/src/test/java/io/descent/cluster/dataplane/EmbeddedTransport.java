package io.descent.cluster.dataplane;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import org.agrona.IoUtil;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One {@link Transport} for all tests of a class, as the data-plane tests use it: an embedded media driver, shared
 * threading, 1 MiB terms and a 256 KiB receiver window, in a private directory under {@code /dev/shm} (or the
 * temporary directory). {@code @RegisterExtension static final EmbeddedTransport TRANSPORT = new
 * EmbeddedTransport("prefix-");}, then {@code TRANSPORT.transport()}. Started before the class's first test; closed
 * and its directory deleted after its last.
 */
final class EmbeddedTransport implements BeforeAllCallback, AfterAllCallback
{
    private static final String DRIVER = "descent.transport.driver { threading-mode = shared, term-length = 1m, " +
        "ipc-term-length = 1m, receiver-window = 256k }";

    private final String prefix;
    private Path baseDir;
    private Transport transport;

    /** @param prefix of the driver directory's name (which test class left it, should it be left). */
    EmbeddedTransport(final String prefix)
    {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        baseDir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(DRIVER));
        transport = Transport.start(settings.withDriver(settings.driver().withBaseDir(baseDir)));
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        if (null != transport)
        {
            transport.close();
        }
        IoUtil.delete(baseDir.toFile(), true);
    }

    /** @return the running transport (between the first and the last test of the class). */
    Transport transport()
    {
        return transport;
    }
}
