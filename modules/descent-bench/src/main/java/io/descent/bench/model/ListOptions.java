package io.descent.bench.model;

import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Parses {@code bench model}'s list options, each mistake one line naming the option. Stateless. */
final class ListOptions
{
    private ListOptions()
    {
    }

    /** @return the positive counts of a comma-separated list, in order. */
    static int[] counts(final String option, final String text)
    {
        final int[] counts;
        try
        {
            counts = Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException(option + " '" + text + "' must be counts separated by commas, e.g. 8,16,32");
        }
        if (Arrays.stream(counts).anyMatch(count -> count < 1))
        {
            throw new BadInputException(option + " '" + text + "': every count must be at least 1");
        }
        return counts;
    }

    /** @return the (workers, servers) pairs of a list like {@code 1x1,2x1,2x2}. */
    static List<int[]> shapes(final String text)
    {
        final List<int[]> shapes = new ArrayList<>();
        for (final String word : text.split(","))
        {
            final String[] parts = word.trim().toLowerCase(Locale.ROOT).split("x");
            try
            {
                final int[] shape = { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
                if (parts.length != 2 || shape[0] < 1 || shape[1] < 1 || shape[1] > 9)
                {
                    throw new NumberFormatException();
                }
                shapes.add(shape);
            }
            catch (final NumberFormatException | ArrayIndexOutOfBoundsException ex)
            {
                throw new BadInputException("--validate-shapes '" + text + "' must be WORKERSxSERVERS pairs " +
                    "separated by commas (servers 1..9), e.g. 1x1,2x1,2x2");
            }
        }
        return shapes;
    }

    /** @return the link settings of {@code --validate-links}: local, unshaped, or rates. */
    static List<String> words(final String option, final String text)
    {
        final List<String> words = new ArrayList<>();
        for (final String word : text.split(","))
        {
            final String link = word.trim().toLowerCase(Locale.ROOT);
            if (!link.equals("local") && !link.equals("unshaped"))
            {
                io.descent.bench.scale.ScaleProbe.bitsPerSecond(link);
            }
            words.add(link);
        }
        return words;
    }

    /** @return the distinct gradient compressions of {@code --validate-compression}, in order. */
    static List<String> compressions(final String text)
    {
        final List<String> codecs = new ArrayList<>();
        for (final String word : text.split(",", -1))
        {
            final String codec = word.trim().toLowerCase(Locale.ROOT);
            if (!Validation.COMPRESSIONS.contains(codec) || codecs.contains(codec))
            {
                throw new BadInputException("--validate-compression '" + text + "' must be distinct gradient " +
                    "compressions separated by commas: " + String.join(", ", Validation.COMPRESSIONS) +
                    " (e.g. none,fp16)");
            }
            codecs.add(codec);
        }
        return codecs;
    }
}
