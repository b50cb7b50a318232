package io.descent.cli.model;

import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a command's {@code --output FILE} before any work: a file (new or to replace) in an existing directory. */
final class OutputFile
{
    private OutputFile()
    {
    }

    /**
     * @param output the {@code --output} value.
     * @throws BadInputException when it is a directory or its directory does not exist.
     */
    static void check(final Path output)
    {
        final Path parent = output.toAbsolutePath().getParent();
        if (null == parent || !Files.isDirectory(parent) || Files.isDirectory(output))
        {
            throw new BadInputException("--output " + output + ": give a file in an existing directory");
        }
    }
}
