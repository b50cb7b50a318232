package io.descent.cli.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The children park longer only when their busy threads outnumber the cores, and never over the user's setting. */
class PollingBudgetTest
{
    private static final List<String> LONGER = List.of("-Ddescent.transport.receiver.idle-max-park=1ms");

    @Test
    void shouldParkLongerOnlyWhenTheBusyThreadsOutnumberTheCores()
    {
        assertEquals(List.of(), PollingBudget.childFlags(1, 1, 2, null), "1 worker + the server on 2 cores");
        assertEquals(LONGER, PollingBudget.childFlags(2, 1, 2, null), "2 workers + the server on 2 cores");
        assertEquals(List.of(), PollingBudget.childFlags(2, 1, 4, null), "a free core");
        assertEquals(LONGER, PollingBudget.childFlags(2, 2, 4, null), "2 BLAS threads per worker");
    }

    @Test
    void shouldKeepTheUsersSetting()
    {
        assertEquals(List.of(), PollingBudget.childFlags(2, 1, 2, "50us"));
    }
}
