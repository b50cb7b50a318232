package io.descent.data.settings;

import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Validated {@code data.shards} settings: where a shard set lives and where its validation and test rows come from.
 * Immutable.
 *
 * @param dir            the training shard set, empty when not configured.
 * @param validationDir  a separate validation shard set; when empty, {@code data.validation-fraction} of the rows of
 *                       {@code dir} are held out (seeded).
 * @param testDir        a separate test shard set; when empty, {@code testFraction} of the rows of {@code dir} are
 *                       held out (seeded) before the validation split.
 * @param testFraction   share of {@code dir} held out as test when there is no test set, in (0, 1).
 * @param verifyChecksums whether opening a shard set reads every byte to check each shard's CRC32C (header, size
 *                       and manifest are always checked).
 */
public record ShardSettings(
    Optional<Path> dir,
    Optional<Path> validationDir,
    Optional<Path> testDir,
    double testFraction,
    boolean verifyChecksums)
{
    /**
     * @param reader the {@code data.shards} section.
     * @return the settings; whether {@code dir} is required is checked by {@link #requireUsable(SettingsReader)}.
     */
    public static ShardSettings from(final SettingsReader reader)
    {
        return new ShardSettings(
            optionalPath(reader.string("dir")),
            optionalPath(reader.string("validation-dir")),
            optionalPath(reader.string("test-dir")),
            reader.fraction("test-fraction"),
            reader.bool("verify-checksums"));
    }

    /**
     * @param reader the {@code data.shards} section, for key names.
     * @throws BadInputException if the shard directory is not set.
     */
    void requireUsable(final SettingsReader reader)
    {
        if (dir.isEmpty())
        {
            throw new BadInputException("data.source = shards needs a shard set: set " + reader.full("dir") +
                " to a directory written by 'descent data shard' or 'descent data generate'");
        }
    }

    private static Optional<Path> optionalPath(final String text)
    {
        return text.isBlank() ? Optional.empty() : Optional.of(Path.of(text.trim()));
    }
}
