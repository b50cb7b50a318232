package io.descent.data.idx;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.Task;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FashionMnistTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLoadTheRealDataset()
    {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        final DatasetPair pair = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        final Dataset train = pair.train();
        final Dataset test = pair.test();

        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(784, train.numFeatures());
        assertEquals(10, train.numOutputs());
        assertEquals(Task.CLASSIFICATION, train.task());
        final int[] perClass = new int[10];
        Arrays.stream(train.labels()).forEach((label) -> perClass[label]++);
        final int[] expected = new int[10];
        Arrays.fill(expected, 6000);
        assertArrayEquals(expected, perClass);
        double max = 0;
        for (final float pixel : train.features())
        {
            max = Math.max(max, pixel);
        }
        assertEquals(255.0, max);
        assertEquals(1.0f, train.targets()[train.labels()[0]]);
    }

    @Test
    void shouldLoadSmallFilesWithRawPixelValues() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        final DatasetPair pair = FashionMnist.load(dir);

        assertEquals(5, pair.train().size());
        assertEquals(3, pair.test().size());
        assertEquals(7.0f, pair.train().features()[1]);
        assertEquals((byte)(300 * 7) & 0xFF, (int)pair.train().features()[300]);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, pair.train().labels());
    }

    @Test
    void shouldNameThePathAndPackageWhenTheDirectoryIsMissing()
    {
        final Path missing = dir.resolve("nope");
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(missing));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("apt-get install dataset-fashion-mnist"), ex.getMessage());
    }

    @Test
    void shouldNameThePathAndPackageWhenAFileIsMissing() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains(dir.resolve("t10k-labels-idx1-ubyte.gz").toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("dataset-fashion-mnist"), ex.getMessage());
    }

    @Test
    void shouldRejectABadMagicNumber() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        IdxFiles.writeGz(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.images(5));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("train-labels-idx1-ubyte.gz"), ex.getMessage());
        assertTrue(ex.getMessage().contains("bad magic number 0x00000803, expected 0x00000801"), ex.getMessage());
    }

    @Test
    void shouldRejectAFileShorterThanItsHeaderSays() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        final byte[] full = IdxFiles.images(5);
        IdxFiles.writeGz(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, full.length - 100));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("train-images-idx3-ubyte.gz is truncated"), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected 3920 data bytes after the header, got 3820"), ex.getMessage());
    }

    @Test
    void shouldRejectACutGzipStream() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        final Path file = dir.resolve("train-images-idx3-ubyte.gz");
        final byte[] compressed = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(compressed, compressed.length / 2));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains(file + " is truncated or corrupt"), ex.getMessage());
    }

    @Test
    void shouldRejectAFileThatIsNotGzip() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        final Path file = dir.resolve("t10k-images-idx3-ubyte.gz");
        Files.writeString(file, "<html>404 not found</html>");
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains(file + " is truncated or corrupt"), ex.getMessage());
    }

    @Test
    void shouldRejectTrailingBytes() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        final byte[] full = IdxFiles.labels(3);
        IdxFiles.writeGz(dir.resolve("t10k-labels-idx1-ubyte.gz"), Arrays.copyOf(full, full.length + 1));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("more than the 3 data bytes"), ex.getMessage());
    }

    @Test
    void shouldRejectImageAndLabelCountsThatDisagree() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        IdxFiles.writeGz(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(4));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("holds 5 images but"), ex.getMessage());
        assertTrue(ex.getMessage().contains("holds 4 labels"), ex.getMessage());
    }

    @Test
    void shouldRejectALabelOutsideTheTenClasses() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        IdxFiles.writeGz(dir.resolve("train-labels-idx1-ubyte.gz"),
            IdxFiles.idx(IdxReader.MAGIC_UBYTE_RANK1, new int[]{5}, new byte[]{0, 1, 12, 3, 4}));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("label 12 of item 2 is not in 0..9"), ex.getMessage());
    }

    @Test
    void shouldRejectImagesOfTheWrongSize() throws IOException
    {
        IdxFiles.writeDataset(dir, 5, 3);
        IdxFiles.writeGz(dir.resolve("t10k-images-idx3-ubyte.gz"),
            IdxFiles.idx(IdxReader.MAGIC_UBYTE_RANK3, new int[]{3, 2, 2}, new byte[12]));
        final BadInputException ex = assertThrows(BadInputException.class, () -> FashionMnist.load(dir));
        assertTrue(ex.getMessage().contains("holds 2x2 images, expected 28x28"), ex.getMessage());
    }
}
