package io.descent.transport.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.transport.wire.ChunkHeader;

/**
 * All transport settings ({@code descent.transport}), read once and validated. Immutable and thread-safe.
 *
 * @param driver   media driver settings.
 * @param sender   sender settings.
 * @param receiver receiver settings.
 */
public record TransportSettings(DriverSettings driver, SenderSettings sender, ReceiverSettings receiver)
{
    /**
     * Loads the defaults of reference.conf, overridden by application.conf and system properties.
     *
     * @return validated settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad setting.
     */
    public static TransportSettings load()
    {
        return from(ConfigFactory.load());
    }

    /**
     * Reads settings from a configuration tree that contains {@code descent.transport} (missing keys fall back to
     * reference.conf).
     *
     * @param root the configuration, e.g. {@code ConfigFactory.parseString("descent.transport.driver.mtu = 8192")}.
     * @return validated settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad setting.
     */
    public static TransportSettings from(final Config root)
    {
        final Config merged = root.withFallback(ConfigFactory.defaultReference(TransportSettings.class.getClassLoader()))
            .resolve();
        final TransportSettings settings = new TransportSettings(
            DriverSettings.from(merged), SenderSettings.from(merged), ReceiverSettings.from(merged));
        settings.validateCombination();
        return settings;
    }

    /** @return these settings with another driver section. */
    public TransportSettings withDriver(final DriverSettings newDriver)
    {
        return new TransportSettings(newDriver, sender, receiver);
    }

    /** @return these settings with another sender section. */
    public TransportSettings withSender(final SenderSettings newSender)
    {
        return new TransportSettings(driver, newSender, receiver);
    }

    /** @return these settings with another receiver section. */
    public TransportSettings withReceiver(final ReceiverSettings newReceiver)
    {
        return new TransportSettings(driver, sender, newReceiver);
    }

    private void validateCombination()
    {
        final int largest = Math.min(driver.maxUdpMessageLength(), driver.maxIpcMessageLength());
        if (sender.chunkLength() != SenderSettings.AUTO && sender.chunkLength() + ChunkHeader.LENGTH > largest)
        {
            throw new InvalidSettingException(SenderSettings.PATH + ".chunk-length", Sizes.format(sender.chunkLength()),
                "at most " + (largest - ChunkHeader.LENGTH) + " bytes: the largest message of the smaller term length (" +
                Sizes.format(largest) + " = min(term-length / 8, 16m)) minus the chunk header");
        }
    }
}
