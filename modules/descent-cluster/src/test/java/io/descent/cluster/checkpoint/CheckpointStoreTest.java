package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints are written atomically, found by step, pruned, and restored only into the same job and only when
 * intact: a damaged file or non-finite values are bad input naming the file.
 */
class CheckpointStoreTest
{
    private static final JobIdentity IDENTITY = new JobIdentity(11, "3>dense(3,2,identity)", 22);

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripWeightsStateAndMetadata()
    {
        final INDArray weights = Nd4j.create(new float[]{ 1.5f, -2.25f, 3.0f, Float.MIN_VALUE });
        final INDArray velocity = Nd4j.create(new float[]{ 0.1f, 0.2f, 0.3f, 0.4f });
        CheckpointStore.write(dir, checkpoint(40, 4, 4), List.of(weights, velocity), 2);
        final INDArray w = Nd4j.create(DataType.FLOAT, 4);
        final INDArray v = Nd4j.create(DataType.FLOAT, 4);
        final Checkpoint restored = CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(w, v));
        assertEquals(40, restored.step());
        assertEquals(3, restored.epoch());
        assertEquals(0.75, restored.epochLossSum());
        assertArrayEquals(weights.toFloatVector(), w.toFloatVector());
        assertArrayEquals(velocity.toFloatVector(), v.toFloatVector());
    }

    @Test
    void shouldIgnoreATornWriteAndKeepOnlyTheNewest() throws Exception
    {
        final List<INDArray> vectors = List.of(Nd4j.create(new float[]{ 1, 2, 3, 4 }));
        for (final long step : new long[]{ 10, 20, 30 })
        {
            CheckpointStore.write(dir, checkpoint(step), vectors, 2);
        }
        Files.createDirectories(dir.resolve(".tmp-step-000000000040"));
        Files.createDirectories(dir.resolve("step-000000000050"));
        assertEquals("step-000000000030", CheckpointStore.latest(dir).orElseThrow().getFileName().toString());
        assertFalse(Files.exists(dir.resolve("step-000000000010")), "pruned to the newest 2");
        assertTrue(Files.exists(dir.resolve("step-000000000020")));
    }

    @Test
    void shouldRefuseACheckpointOfAnotherModel()
    {
        CheckpointStore.write(dir, checkpoint(10), List.of(Nd4j.create(new float[]{ 1, 2, 3, 4 })), 2);
        final JobIdentity other = new JobIdentity(12, "3>dense(3,3,identity)", 22);
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, other, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(ex.getMessage().contains("3>dense(3,2,identity)"), ex.getMessage());
        assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir.resolve("none"), IDENTITY, 2, List.of()));
        final BadInputException workers = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 3, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(workers.getMessage().contains("2 workers"), workers.getMessage());
    }

    @Test
    void shouldRefuseAVectorFileWithAFlippedBit() throws Exception
    {
        CheckpointStore.write(dir, checkpoint(10), List.of(Nd4j.create(new float[]{ 1, 2, 3, 4 })), 2);
        final Path vector = dir.resolve("step-000000000010/vector-0.f32");
        final byte[] bytes = Files.readAllBytes(vector);
        bytes[5] ^= 0x10;
        Files.write(vector, bytes);
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(ex.getMessage().contains(vector + " is damaged: its checksum does not match"), ex.getMessage());
    }

    @Test
    void shouldRefuseDamagedMetadataBeforeDecodingIt() throws Exception
    {
        CheckpointStore.write(dir, checkpoint(10), List.of(Nd4j.create(new float[]{ 1, 2, 3, 4 })), 2);
        final Path meta = dir.resolve("step-000000000010/meta.kryo");
        final byte[] bytes = Files.readAllBytes(meta);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(meta, bytes);
        final BadInputException flipped = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(flipped.getMessage().contains(meta + " is damaged") &&
            flipped.getMessage().contains("checksum"), flipped.getMessage());
        Files.write(meta, new byte[]{ 1, 2, 3 });
        assertThrows(BadInputException.class, () -> CheckpointStore.read(meta.getParent()));
    }

    @Test
    void shouldRefuseAMissingOrTruncatedVectorFile() throws Exception
    {
        CheckpointStore.write(dir, checkpoint(10), List.of(Nd4j.create(new float[]{ 1, 2, 3, 4 })), 2);
        final Path vector = dir.resolve("step-000000000010/vector-0.f32");
        Files.write(vector, new byte[12]);
        final BadInputException truncated = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(truncated.getMessage().contains("has 12 bytes, expected 16"), truncated.getMessage());
        Files.delete(vector);
        final BadInputException missing = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(missing.getMessage().contains(vector + " cannot be read"), missing.getMessage());
    }

    @Test
    void shouldRefuseToResumeFromNonFiniteWeights()
    {
        CheckpointStore.write(dir, checkpoint(10), List.of(Nd4j.create(new float[]{ 1, Float.NaN, 3, 4 })), 2);
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> CheckpointStore.restoreLatest(dir, IDENTITY, 2, List.of(Nd4j.create(DataType.FLOAT, 4))));
        assertTrue(ex.getMessage().contains("holds NaN or infinite values"), ex.getMessage());
    }

    /** @return the metadata of a checkpoint of {@code step} with one vector of 4 floats, or {@code vectors}. */
    private static Checkpoint checkpoint(final long step, final long... vectors)
    {
        return new Checkpoint(step, 2, 3, 4, 0.75, 30, IDENTITY.fingerprint(), IDENTITY.architecture(),
            IDENTITY.configDigest(), "{}", vectors.length == 0 ? new long[]{ 4 } : vectors, 1L);
    }
}
