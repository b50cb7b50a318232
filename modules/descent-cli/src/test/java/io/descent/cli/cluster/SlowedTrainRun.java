package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One {@code descent train --workers N} job in separate processes with one rank slowed on purpose (the test-only
 * {@code DESCENT_TEST_STEP_DELAY}), as the consistency tests run it: the launcher on a plain control plane (no
 * throw-away CA to make: what they test is the step loop), and the checks every such run must pass — it exits 0,
 * every epoch was evaluated, every planned step was taken.
 *
 * @param json    the job's report.
 * @param planned the steps the epochs planned.
 * @param stdout  the launcher's standard output.
 */
record SlowedTrainRun(JsonNode json, long planned, String stdout)
{
    /**
     * @param dir   the test's directory (job file, report, node logs).
     * @param job   the job's HOCON.
     * @param name  the report's file name, without ".json".
     * @param delay DESCENT_TEST_STEP_DELAY, {@code RANK:MILLISECONDS}.
     * @param extra arguments after {@code train --config … --threads 1 --no-progress --report …}.
     * @return the checked run.
     */
    static SlowedTrainRun run(final Path dir, final String job, final String name, final String delay,
        final List<String> extra) throws Exception
    {
        final Path config = Files.writeString(dir.resolve("job.conf"), job);
        final Path report = dir.resolve(name + ".json");
        final List<String> args = new ArrayList<>(List.of("train", "--config", config.toString(), "--threads", "1",
            "--no-progress", "--report", report.toString()));
        args.addAll(extra);
        try (NodeProcess launcher = new NodeProcess(dir, "launcher", List.of("-Ddescent.local.control-plane=plain"),
            args, Map.of("DESCENT_TEST_STEP_DELAY", delay)))
        {
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(300)), launcher.stderr());
            final JsonNode json = JsonReports.mapper().readTree(report.toFile());
            long planned = 0;
            for (final JsonNode epoch : json.get("epochs"))
            {
                assertTrue(Double.isFinite(epoch.get("val_loss").asDouble(Double.NaN)), "evaluated: " + epoch);
                planned += epoch.get("steps").asLong();
            }
            assertEquals(planned, json.get("final").get("steps").asLong(), "every planned step");
            return new SlowedTrainRun(json, planned, launcher.stdout());
        }
    }

    /** @return the report's {@code consistency} section. */
    JsonNode consistency()
    {
        return json.get("consistency");
    }
}
