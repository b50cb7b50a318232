package io.descent.transport.config;

import com.typesafe.config.Config;

/**
 * Receiver settings ({@code descent.transport.receiver}). Immutable and thread-safe; validated when read.
 *
 * @param idle       idle strategy of the receiver agent thread.
 * @param pollBudget bytes scanned per image per duty cycle.
 * @param maxSlots   destinations that may be registered at once.
 */
public record ReceiverSettings(IdleSetting idle, int pollBudget, int maxSlots)
{
    static final String PATH = "descent.transport.receiver";

    /**
     * Reads and validates {@code descent.transport.receiver}.
     *
     * @param root the whole configuration.
     * @return the settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad setting.
     */
    public static ReceiverSettings from(final Config root)
    {
        final SettingsReader reader = new SettingsReader(root, PATH);
        return new ReceiverSettings(
            IdleSetting.read(reader, "idle-strategy", "idle-max-park"),
            reader.bytes("poll-budget", 64 * 1024, 1024 * 1024 * 1024),
            reader.intInRange("max-slots", 1, 65536));
    }

    /** @return these settings with another idle strategy. */
    public ReceiverSettings withIdle(final IdleSetting newIdle)
    {
        return new ReceiverSettings(newIdle, pollBudget, maxSlots);
    }
}
