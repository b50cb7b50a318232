package io.descent.transport.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportSettingsTest
{
    @Test
    void shouldReadTheReferenceDefaults()
    {
        final TransportSettings settings = TransportSettings.from(ConfigFactory.empty());

        assertEquals(DriverSettings.Mode.EMBEDDED, settings.driver().mode());
        assertNull(settings.driver().dir());
        assertEquals(DriverSettings.Threading.DEDICATED, settings.driver().threadingMode());
        assertEquals(16 * 1024 * 1024, settings.driver().termLength());
        assertEquals(512 * 1024, settings.driver().maxIpcMessageLength());
        assertEquals(65504, settings.driver().ipcMtu());
        assertEquals(false, settings.driver().sparseTerms());
        assertEquals(SenderSettings.AUTO, settings.sender().chunkLength());
        assertEquals(IdleSetting.Kind.BACKOFF, settings.receiver().idle().kind());
        assertEquals(100_000L, settings.receiver().idle().maxParkNs());
        assertEquals(1024, settings.receiver().maxSlots());
        assertTrue(settings.driver().autoReceiverWindow(), "the window is sized from the socket buffer by default");
    }

    @Test
    void shouldReadAFixedReceiverWindow()
    {
        final DriverSettings driver = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver.receiver-window = 1m")).driver();

        assertFalse(driver.autoReceiverWindow());
        assertEquals(1024 * 1024, driver.receiverWindow());
    }

    @Test
    void shouldTakeTheUdpMtuFromDescentTransportMtuInTheEnvironment()
    {
        // The reference as shipped, unresolved, resolved with a stand-in for the environment at the root (a
        // substitution finds a root path before it looks at the real environment).
        final java.util.function.Function<java.util.Map<String, Object>, Integer> mtuWith = environment ->
            TransportSettings.from(ConfigFactory.parseResources(TransportSettings.class.getClassLoader(),
                "reference.conf").withFallback(ConfigFactory.parseMap(environment)).resolve()).driver().mtu();

        assertEquals(8928, mtuWith.apply(java.util.Map.of("DESCENT_TRANSPORT_MTU", 8928)));
        assertEquals(1408, mtuWith.apply(java.util.Map.of()), "without it, the default for a 1500-byte link");
    }

    @Test
    void shouldNameKeyValueAndRangeOfABadTermLength()
    {
        assertMessage("descent.transport.driver.term-length = 3m is invalid: must be a power of two between 64k and 1g",
            "driver.term-length = 3m");
    }

    @Test
    void shouldRejectBadValuesWithOneLineMessages()
    {
        assertMessage("descent.transport.driver.mtu = 1000 is invalid: must be a multiple of 32 between 128 and 65504",
            "driver.mtu = 1000");
        assertMessage("descent.transport.driver.threading-mode = fast is invalid: must be one of" +
            " dedicated shared-network shared", "driver.threading-mode = fast");
        assertMessage("descent.transport.receiver.max-slots = 0 is invalid: must be between 1 and 65536",
            "receiver.max-slots = 0");
        assertMessage("descent.transport.driver.receiver-window = 16m is invalid: must be auto, or at most half of" +
            " descent.transport.driver.term-length (8m)", "driver.receiver-window = 16m");
        assertMessage("descent.transport.driver.receiver-window = 4m is invalid: must be auto, or at most" +
            " descent.transport.driver.socket-rcvbuf (2m)", "driver { receiver-window = 4m, socket-rcvbuf = 2m }");
        assertMessage("descent.transport.sender.chunk-length = 1m is invalid: must be at most 524184 bytes: the" +
            " largest message of the smaller term length (512k = min(term-length / 8, 16m)) minus the chunk header",
            "sender.chunk-length = 1m");
    }

    @Test
    void shouldRequireADirectoryForAnExternalDriver()
    {
        final InvalidSettingException error = assertThrows(InvalidSettingException.class,
            () -> TransportSettings.from(ConfigFactory.parseString("descent.transport.driver.mode = external")));
        assertEquals("descent.transport.driver.dir", error.key());
    }

    @Test
    void shouldReadExplicitChunkLengthAndIdleStrategies()
    {
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport { sender.chunk-length = 256k, receiver.idle-strategy = busy-spin, " +
            "driver.threading-mode = shared-network }"));

        assertEquals(256 * 1024, settings.sender().chunkLength());
        assertEquals(IdleSetting.Kind.BUSY_SPIN, settings.receiver().idle().kind());
        assertEquals(DriverSettings.Threading.SHARED_NETWORK, settings.driver().threadingMode());
    }

    private static void assertMessage(final String expected, final String override)
    {
        final InvalidSettingException error = assertThrows(InvalidSettingException.class,
            () -> TransportSettings.from(ConfigFactory.parseString("descent.transport." + override)));
        assertEquals(expected, error.getMessage());
    }
}
