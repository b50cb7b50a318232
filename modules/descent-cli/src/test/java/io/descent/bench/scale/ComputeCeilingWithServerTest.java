package io.descent.bench.scale;

import io.descent.transport.wire.ChunkAuth;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ceiling with the server's work across processes: a tiny model's workers, 1 and 2 of them, beside the server's
 * process (here, where the CLI's {@code bench ceiling-loop} is on the class path).
 */
class ComputeCeilingWithServerTest
{
    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void shouldMeasureEveryCountFreeAndInLockstepBesideTheServersProcess() throws Exception
    {
        final Path job = dir.resolve("job.conf");
        Files.writeString(job, ScaleJob.of("20-16-4", 16, 10, 1).hocon(2));
        final Map<Integer, ComputeCeiling.Throughput> throughput = new ComputeCeiling(1, 3, 0.3, 1, dir)
            .measure(new int[]{ 1, 2 }, job, ChunkAuth.AES_GMAC, new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(2, throughput.size());
        throughput.forEach((count, each) ->
        {
            assertTrue(each.free() > 0, count + " worker(s) computed running free: " + each);
            assertTrue(each.lockstep() > 0, count + " worker(s) computed in lockstep: " + each);
        });
    }
}
