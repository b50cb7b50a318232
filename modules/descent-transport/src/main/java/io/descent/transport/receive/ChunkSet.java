package io.descent.transport.receive;

import java.util.Arrays;

/**
 * Which chunks of one message have been written: a bit set over chunk indexes that keeps its words between
 * messages, so it allocates only when a message has more chunks than any before it. Not thread-safe.
 */
final class ChunkSet
{
    private long[] words = new long[16];
    private int count;
    private int received;

    /** Starts a message of {@code chunkCount} chunks, none received. */
    void reset(final int chunkCount)
    {
        final int wordCount = (chunkCount + 63) >>> 6;
        if (wordCount > words.length)
        {
            words = new long[Math.max(wordCount, words.length * 2)];
        }
        else
        {
            Arrays.fill(words, 0, Math.max(wordCount, (count + 63) >>> 6), 0L);
        }
        count = chunkCount;
        received = 0;
    }

    /** @return true when chunk {@code index} has been marked. */
    boolean contains(final int index)
    {
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    /** Marks chunk {@code index}; @return true when every chunk is now marked. */
    boolean add(final int index)
    {
        final int word = index >>> 6;
        final long bit = 1L << index;
        if ((words[word] & bit) == 0)
        {
            words[word] |= bit;
            received++;
        }
        return received == count;
    }

    /** @return the number of chunks in the message. */
    int count()
    {
        return count;
    }

    /** @return how many distinct chunks have been marked. */
    int received()
    {
        return received;
    }

    /**
     * Writes the indexes of unmarked chunks, in order, as far as {@code into} has room.
     *
     * @return how many indexes were written.
     */
    int missing(final int[] into)
    {
        int n = 0;
        for (int i = 0; i < count && n < into.length; i++)
        {
            if (!contains(i))
            {
                into[n++] = i;
            }
        }
        return n;
    }
}
