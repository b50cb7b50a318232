package io.descent.transport.config;

/**
 * A transport setting has a value outside its allowed range. The message names the key, the value and the range,
 * on one line, so a launcher can print it as a user error.
 */
public final class InvalidSettingException extends IllegalArgumentException
{
    private final String key;

    /**
     * @param key     full HOCON path of the setting, e.g. {@code descent.transport.driver.term-length}.
     * @param value   the rejected value as the user wrote it.
     * @param allowed what would be accepted, e.g. "a power of two between 64k and 1g".
     */
    public InvalidSettingException(final String key, final Object value, final String allowed)
    {
        super(key + " = " + value + " is invalid: must be " + allowed);
        this.key = key;
    }

    /**
     * @param key     full HOCON path of the setting.
     * @param message the complete one-line message.
     * @param cause   the underlying parse failure.
     */
    public InvalidSettingException(final String key, final String message, final Throwable cause)
    {
        super(message, cause);
        this.key = key;
    }

    /** @return the full HOCON path of the offending setting. */
    public String key()
    {
        return key;
    }
}
