package io.descent.bench.transport;

import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses {@code --sizes 2m,23m,64m,256m}: bytes with an optional k, m or g suffix (powers of two). */
final class SizeList
{
    /** Largest size accepted: two buffers of it must fit in direct memory. */
    static final long MAX_SIZE = 1L << 30;

    private SizeList()
    {
    }

    /**
     * @param option the option name, for messages.
     * @param text   comma-separated sizes.
     * @return the sizes in bytes, in the order given.
     * @throws BadInputException naming the bad element and how to write a good one.
     */
    static List<Integer> parse(final String option, final String text)
    {
        final List<Integer> sizes = new ArrayList<>();
        for (final String raw : text.split(","))
        {
            final String element = raw.trim().toLowerCase(Locale.ROOT);
            final long bytes = parseOne(option, element);
            if (bytes < 1 || bytes > MAX_SIZE)
            {
                throw new BadInputException(option + ": size '" + raw.trim() + "' is out of range; use 1 byte to 1g," +
                    " e.g. " + option + " 2m,23m,64m,256m");
            }
            sizes.add((int)bytes);
        }
        return sizes;
    }

    private static long parseOne(final String option, final String element)
    {
        if (element.isEmpty())
        {
            throw new BadInputException(option + ": empty size in the list; write e.g. " + option + " 2m,23m,64m,256m");
        }
        final char unit = element.charAt(element.length() - 1);
        final int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
        final String digits = shift == 0 ? element : element.substring(0, element.length() - 1);
        try
        {
            final long value = Long.parseLong(digits);
            return value > (MAX_SIZE >> shift) ? Long.MAX_VALUE : value << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException(option + ": '" + element + "' is not a size; use bytes with an optional k, m" +
                " or g suffix, e.g. " + option + " 2m,23m,64m,256m", ex);
        }
    }

    /** @return a size the way it was probably written (256m, 23m, 1500). */
    static String format(final long bytes)
    {
        if (bytes % (1 << 30) == 0)
        {
            return (bytes >> 30) + "g";
        }
        if (bytes % (1 << 20) == 0)
        {
            return (bytes >> 20) + "m";
        }
        if (bytes % (1 << 10) == 0)
        {
            return (bytes >> 10) + "k";
        }
        return Long.toString(bytes);
    }
}
