package io.descent.transport.config;

import com.typesafe.config.Config;

/**
 * Sender settings ({@code descent.transport.sender}). Immutable and thread-safe; validated when read (the chunk
 * length is checked again against each publication's limits when a sender is made).
 *
 * @param chunkLength payload bytes per chunk, or {@link #AUTO} for the largest chunk that fits one frame.
 * @param idle        idle strategy between offer retries.
 */
public record SenderSettings(int chunkLength, IdleSetting idle)
{
    /** Chunk length meaning "the largest chunk that fits one frame". */
    public static final int AUTO = 0;

    static final String PATH = "descent.transport.sender";

    /**
     * Reads and validates {@code descent.transport.sender}.
     *
     * @param root the whole configuration.
     * @return the settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad setting.
     */
    public static SenderSettings from(final Config root)
    {
        final SettingsReader reader = new SettingsReader(root, PATH);
        final String raw = reader.string("chunk-length").trim();
        final int chunkLength = "auto".equals(raw) ? AUTO : reader.multipleOf("chunk-length", 64, 64, 16 * 1024 * 1024);
        return new SenderSettings(chunkLength, IdleSetting.read(reader, "idle-strategy", "idle-max-park"));
    }

    /** @return these settings with another chunk length ({@link #AUTO} or a multiple of 64). */
    public SenderSettings withChunkLength(final int newChunkLength)
    {
        return new SenderSettings(newChunkLength, idle);
    }

    /** @return these settings with another idle strategy. */
    public SenderSettings withIdle(final IdleSetting newIdle)
    {
        return new SenderSettings(chunkLength, newIdle);
    }
}
