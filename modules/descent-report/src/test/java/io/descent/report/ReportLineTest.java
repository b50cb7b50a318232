package io.descent.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportLineTest
{
    @Test
    void shouldPutTheReportOnOneLineAndFindTheLastOneInALog()
    {
        final String first = ReportLine.format(Map.of("workers", 1));
        final String last = ReportLine.format(Map.of("workers", 2, "epochs", List.of(Map.of("samples_per_sec", 9.5))));
        assertTrue(last.startsWith(ReportLine.PREFIX), last);
        assertFalse(last.contains("\n"), last);

        final JsonNode found = ReportLine.find("starting\n" + first + "\nepoch 1/2\n" + last + "\ndone\n").orElseThrow();
        assertEquals(2, found.get("workers").asInt());
        assertEquals(9.5, found.get("epochs").get(0).get("samples_per_sec").asDouble());
    }

    @Test
    void shouldFindNothingInALogWithoutAReportAndRefuseACutOne()
    {
        assertTrue(ReportLine.find("epoch 1/2\ntest loss 0.4\n").isEmpty());
        assertTrue(ReportLine.find(null).isEmpty());
        assertThrows(UncheckedIOException.class, () -> ReportLine.find(ReportLine.PREFIX + "{\"workers\": 2, \"ep"));
    }
}
