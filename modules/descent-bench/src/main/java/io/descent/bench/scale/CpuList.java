package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * A set of CPU numbers in Linux's list form ({@code "0-3,6"}, as in {@code /proc/self/status}'s
 * {@code Cpus_allowed_list} and {@code taskset -c}), in increasing order. Immutable.
 */
record CpuList(int[] cpus)
{
    /**
     * @param text a Linux CPU list, e.g. {@code "0-1"} or {@code "0,2,4-7"}.
     * @return its CPUs.
     * @throws IllegalArgumentException when {@code text} is not such a list.
     */
    static CpuList parse(final String text)
    {
        final List<Integer> cpus = new ArrayList<>();
        for (final String part : text.strip().split(","))
        {
            final String[] range = part.strip().split("-");
            try
            {
                final int from = Integer.parseInt(range[0].strip());
                final int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
                if (range.length > 2 || from < 0 || to < from || (cpus.size() > 0 && from <= cpus.get(cpus.size() - 1)))
                {
                    throw new IllegalArgumentException("not a CPU list in increasing order: '" + text + "'");
                }
                for (int cpu = from; cpu <= to; cpu++)
                {
                    cpus.add(cpu);
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not a CPU list: '" + text + "'", ex);
            }
        }
        return new CpuList(cpus.stream().mapToInt(Integer::intValue).toArray());
    }

    /** @return how many CPUs. */
    int size()
    {
        return cpus.length;
    }

    /**
     * @param count CPUs wanted, 1..{@link #size()}.
     * @return the first {@code count} of these CPUs.
     * @throws BadInputException when there are fewer.
     */
    CpuList first(final int count)
    {
        if (count < 1 || count > cpus.length)
        {
            throw new BadInputException("cannot confine a run to " + count + " CPUs: this process may use " +
                cpus.length + " (" + this + ")");
        }
        final int[] head = new int[count];
        System.arraycopy(cpus, 0, head, 0, count);
        return new CpuList(head);
    }

    /** @return the Linux list form, ranges collapsed, e.g. {@code "0-3,6"}. */
    @Override
    public String toString()
    {
        final StringJoiner text = new StringJoiner(",");
        for (int i = 0; i < cpus.length; )
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }
            text.add(j == i ? String.valueOf(cpus[i]) : cpus[i] + "-" + cpus[j]);
            i = j + 1;
        }
        return text.toString();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof CpuList list && Arrays.equals(cpus, list.cpus);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(cpus);
    }
}
