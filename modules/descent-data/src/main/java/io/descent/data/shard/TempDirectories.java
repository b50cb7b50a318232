package io.descent.data.shard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes an abandoned temporary directory tree (a shard set's half-written one, a benchmark's work directory).
 * Stateless.
 */
public final class TempDirectories
{
    private static final Logger LOG = LoggerFactory.getLogger(TempDirectories.class);

    private TempDirectories()
    {
    }

    /**
     * Delete {@code dir} and everything under it; failures are logged, not thrown (this runs while another
     * exception is already on its way).
     *
     * @param dir the directory to delete; nothing happens if it does not exist.
     */
    public static void deleteQuietly(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("could not delete the abandoned temporary directory {}: {}", dir, ex.toString());
        }
    }
}
