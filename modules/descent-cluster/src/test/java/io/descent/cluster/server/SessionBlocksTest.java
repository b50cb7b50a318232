package io.descent.cluster.server;

import io.descent.cluster.protocol.ShardMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Session ids per server shard: consecutive blocks that never hold 0 nor wrap, a shard's id is base + index. */
class SessionBlocksTest
{
    @Test
    void shouldHandOutConsecutiveBlocksWithoutZeroOrWrapping()
    {
        final SessionBlocks blocks = new SessionBlocks(9);
        assertEquals(10, blocks.reserve(3));
        assertEquals(13, blocks.reserve(3));
        final SessionBlocks nearZero = new SessionBlocks(-3);
        assertEquals(-2, nearZero.reserve(2), "-2, -1");
        assertEquals(1, nearZero.reserve(2), "0, 1 would hold 0: 1, 2 instead");
        final SessionBlocks nearMax = new SessionBlocks(Integer.MAX_VALUE - 2);
        assertEquals(Integer.MIN_VALUE, nearMax.reserve(4), "a block that would wrap starts at the bottom");
        assertEquals(Integer.MIN_VALUE + 4, nearMax.reserve(1));
        assertEquals(1, new SessionBlocks(-1).reserve(1), "never 0");
    }

    @Test
    void shouldGiveEachShardTheBasePlusItsIndexAndNoneWithoutABase()
    {
        assertEquals(41, ShardMap.session(40, 1));
        assertEquals(40, ShardMap.session(40, 0), "the coordinator's (and a single server's) is the base");
        assertEquals(0, ShardMap.session(0, 3), "no MAC: the data plane chooses");
    }
}
