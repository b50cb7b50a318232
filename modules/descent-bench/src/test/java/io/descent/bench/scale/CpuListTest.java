package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuListTest
{
    @Test
    void shouldParseLinuxCpuListsAndWriteThemBackCollapsed()
    {
        assertArrayEquals(new int[]{ 0, 1, 2, 3, 6 }, CpuList.parse("0-3,6").cpus());
        assertArrayEquals(new int[]{ 5 }, CpuList.parse(" 5 ").cpus());
        assertEquals("0-3,6", CpuList.parse("0,1,2-3,6").toString());
        assertEquals("1,3,5-6", CpuList.parse("1,3,5,6").toString());
        assertEquals(CpuList.parse("0-1"), CpuList.parse("0,1"));
    }

    @Test
    void shouldRejectWhatIsNotAnIncreasingCpuList()
    {
        for (final String bad : new String[]{ "", "a", "3-1", "0-1-2", "2,1", "0,0", "-1" })
        {
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad), bad);
        }
    }

    @Test
    void shouldTakeTheFirstCpusOrSayHowManyThereAre()
    {
        assertEquals("2,4", CpuList.parse("2,4-7").first(2).toString());
        assertEquals("0-3", CpuList.parse("0-7").first(4).toString());
        final BadInputException tooMany = assertThrows(BadInputException.class, () -> CpuList.parse("0-1").first(3));
        assertTrue(tooMany.getMessage().contains("this process may use 2 (0-1)"), tooMany.getMessage());
    }
}
