package io.descent.model.artifact;

import io.descent.model.TrainedJob;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArtifactStoreTest
{
    private static TrainedJob trained;

    @TempDir
    Path dir;

    @BeforeAll
    static void train()
    {
        trained = TrainedJob.train(TrainedJob.CLASSIFICATION);
    }

    @Test
    void shouldReadBackBitwiseWhatItWrote()
    {
        final Path target = dir.resolve("model");
        final ModelArtifact written = trained.artifact();
        ArtifactStore.write(target, written);
        final ModelArtifact read = ArtifactStore.read(target);

        assertEquals(written.weights().length, read.weights().length);
        for (int i = 0; i < written.weights().length; i++)
        {
            assertEquals(Float.floatToRawIntBits(written.weights()[i]), Float.floatToRawIntBits(read.weights()[i]),
                "weight " + i);
        }
        assertEquals(written.fingerprint(), read.fingerprint());
        assertEquals(written.spec(), read.spec());
        assertEquals(written.loss(), read.loss());
        assertEquals(written.task(), read.task());
        assertEquals(written.classNames(), read.classNames());
        assertEquals(written.steps(), read.steps());
        assertEquals(1, read.scaling().stages().size());
        assertArrayEquals(written.scaling().stages().get(0).offsets(), read.scaling().stages().get(0).offsets());
        assertArrayEquals(written.scaling().stages().get(0).factors(), read.scaling().stages().get(0).factors());
        assertEquals(written.scaling().stages().get(0).kind(), read.scaling().stages().get(0).kind());
        assertEquals(trained.job().raw().getConfig("model"), read.job().getConfig("model"));
        assertEquals(trained.job().seed(), read.job().getLong("job.seed"));
        assertFalse(read.job().hasPath("cluster"), "only the job's own sections are saved");
    }

    @Test
    void shouldRefuseWeightsWhoseChecksumFails() throws IOException
    {
        final Path target = dir.resolve("model");
        ArtifactStore.write(target, trained.artifact());
        flipByte(target.resolve("weights.f32"), 17);

        final BadInputException problem = assertThrows(BadInputException.class, () -> ArtifactStore.read(target));
        assertTrue(problem.getMessage().contains("weights.f32") && problem.getMessage().contains("damaged"),
            problem.getMessage());
        assertFalse(problem.getMessage().contains("\n"));
    }

    @Test
    void shouldRefuseScalingStatisticsThatWereEdited() throws IOException
    {
        final Path target = dir.resolve("model");
        ArtifactStore.write(target, trained.artifact());
        final Path index = target.resolve("model.json");
        final String json = Files.readString(index);
        final String offset = Double.toString(trained.artifact().scaling().stages().get(0).offsets()[0]);
        assertTrue(json.contains(offset), "the first offset is in model.json");
        Files.writeString(index, json.replaceFirst(java.util.regex.Pattern.quote(offset), "0.125"));

        final BadInputException problem = assertThrows(BadInputException.class, () -> ArtifactStore.read(target));
        assertTrue(problem.getMessage().contains("scaling statistics"), problem.getMessage());
    }

    @Test
    void shouldReplaceAnEarlierArtifactAndLeaveNoTemporaryDirectory() throws IOException
    {
        final Path target = dir.resolve("model");
        ArtifactStore.write(target, trained.artifact());
        ArtifactStore.write(target, trained.artifact());

        assertEquals(trained.artifact().fingerprint(), ArtifactStore.read(target).fingerprint());
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(1, entries.count(), "only the artifact is left");
        }
    }

    @Test
    void shouldNotWriteOverADirectoryThatIsNotAnArtifact() throws IOException
    {
        final Path target = dir.resolve("results");
        Files.createDirectories(target);
        Files.writeString(target.resolve("notes.txt"), "keep me");

        final BadInputException problem = assertThrows(BadInputException.class,
            () -> ArtifactStore.write(target, trained.artifact()));
        assertTrue(problem.getMessage().contains("not a model artifact"), problem.getMessage());
        assertEquals("keep me", Files.readString(target.resolve("notes.txt")));
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(1, entries.count(), "nothing else was written");
        }
    }

    @Test
    void shouldKeepTheEarlierArtifactWhenTheNewOneCannotBeWritten() throws IOException
    {
        final Path target = dir.resolve("model");
        ArtifactStore.write(target, trained.artifact());
        final byte[] before = Files.readAllBytes(target.resolve("weights.f32"));
        // A weight that no model may hold: the read-back check refuses the new artifact before it replaces the old.
        final float[] diverged = trained.artifact().weights().clone();
        diverged[3] = Float.NaN;
        final ModelArtifact broken = new ModelArtifact(trained.artifact().spec(), trained.artifact().loss(),
            trained.artifact().fingerprint(), diverged, trained.artifact().scaling(), trained.artifact().task(),
            trained.artifact().classNames(), trained.artifact().featureNames(), trained.artifact().job(), 1);

        assertThrows(BadInputException.class, () -> ArtifactStore.write(target, broken));
        assertArrayEquals(before, Files.readAllBytes(target.resolve("weights.f32")));
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(1, entries.count(), "no temporary directory is left");
        }
    }

    private static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x40)).rewind();
            channel.write(one, position);
        }
    }
}
