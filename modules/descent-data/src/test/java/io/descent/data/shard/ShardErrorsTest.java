package io.descent.data.shard;

import io.descent.data.Dataset;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged, foreign and inconsistent shard sets are refused with one line that names the file at fault. */
class ShardErrorsTest
{
    @TempDir
    Path tmp;

    private Path set;
    private Path shard1;
    private Path manifest;

    @BeforeEach
    void writeSet()
    {
        final Dataset data = Synthetic.teacher(300, 6, 4, 3, 1);
        set = tmp.resolve("set");
        Sharder.write(data, set, 3, Scaler.fit(ScalingKind.NONE, data), "test");
        shard1 = set.resolve(ShardFormat.fileName(1));
        manifest = set.resolve(ShardFormat.MANIFEST);
    }

    @Test
    void shouldNameATruncatedShard() throws IOException
    {
        try (FileChannel channel = FileChannel.open(shard1, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 10);
        }
        assertRefused(shard1, "truncated");
        try (FileChannel channel = FileChannel.open(shard1, StandardOpenOption.WRITE))
        {
            channel.truncate(20);
        }
        assertRefused(shard1, "shorter than its 64-byte header");
    }

    @Test
    void shouldNameAForeignFile() throws IOException
    {
        Files.writeString(shard1, "x".repeat(5000));
        assertRefused(shard1, "not a Descent shard file");
    }

    @Test
    void shouldNameACorruptShardByItsChecksum() throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(shard1.toFile(), "rw"))
        {
            file.seek(ShardFormat.HEADER_BYTES + 123);
            final int value = file.read();
            file.seek(ShardFormat.HEADER_BYTES + 123);
            file.write(value ^ 0x10);
        }
        assertRefused(shard1, "corrupt");
        ShardSet.open(set, false);
    }

    @Test
    void shouldNameAShardFromAnotherPosition() throws IOException
    {
        Files.copy(set.resolve(ShardFormat.fileName(0)), shard1, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(shard1, "does not belong to its shard set");
    }

    @Test
    void shouldNameAMissingShard() throws IOException
    {
        Files.delete(shard1);
        assertRefused(shard1, "missing");
    }

    @Test
    void shouldNameAMissingOrBrokenManifest() throws IOException
    {
        Files.delete(manifest);
        assertRefused(set, "no manifest.json");
        Files.writeString(manifest, "{ \"format\": ");
        assertRefused(manifest, "not valid");
        Files.writeString(manifest, "{ \"format\": \"descent-shards\", \"version\": 1 }");
        assertRefused(manifest, "not valid");
    }

    @Test
    void shouldNameAnInconsistentManifest() throws IOException
    {
        final String json = Files.readString(manifest);
        Files.writeString(manifest, json.replace("\"rows\": 300", "\"rows\": 301"));
        assertRefused(manifest, "inconsistent");
        Files.writeString(manifest, json.replace("\"num_outputs\": 3", "\"num_outputs\": 2"));
        assertRefused(manifest, "inconsistent");
        Files.writeString(manifest, json.replace("shard-00001.bin", "../shard-00001.bin"));
        assertRefused(manifest, "inconsistent");
    }

    @Test
    void shouldRefuseADirectoryThatIsNotAShardSet()
    {
        assertRefused(tmp.resolve("nothing-here"), "is not a directory");
    }

    private void assertRefused(final Path named, final String problem)
    {
        final BadInputException ex = assertThrows(BadInputException.class, () -> ShardSet.open(
            named.startsWith(set) ? set : named, true));
        assertTrue(ex.getMessage().contains(named.toString()), "names " + named + ": " + ex.getMessage());
        assertTrue(ex.getMessage().contains(problem), "says '" + problem + "': " + ex.getMessage());
        assertTrue(!ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
    }
}
