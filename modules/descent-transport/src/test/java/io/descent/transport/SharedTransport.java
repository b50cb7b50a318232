package io.descent.transport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;

/**
 * One {@link Transport} (embedded media driver in a private directory) for all tests of a class:
 * {@code @RegisterExtension static final SharedTransport TRANSPORT = new SharedTransport("overrides");}, then
 * {@code TRANSPORT.transport()}. Started before the first test, closed and its directory deleted after the last.
 */
final class SharedTransport implements BeforeAllCallback, AfterAllCallback
{
    private final String overrides;
    private Path baseDir;
    private Transport transport;

    /** @param overrides HOCON overrides of {@code descent.transport}, e.g. {@code sender.chunk-length = 4k}. */
    SharedTransport(final String overrides)
    {
        this.overrides = overrides;
    }

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        baseDir = TestTransports.newBaseDir();
        transport = Transport.start(TestTransports.settings(baseDir, overrides));
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        transport.close();
        TestTransports.deleteBaseDir(baseDir);
    }

    /** @return the running transport (between the first and the last test of the class). */
    Transport transport()
    {
        return transport;
    }
}
