package io.descent.data.idx;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its four IDX files: 60 000 train and 10 000 test images of
 * 28×28 grey pixels, 10 classes.
 *
 * <p>Features are the raw pixel values 0..255 as floats, row-major per image (784 per row); scaling is a separate
 * step. Stateless and thread-safe.
 */
public final class FashionMnist
{
    /**
     * Where the Debian package {@code dataset-fashion-mnist} installs the files.
     */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * Image side in pixels.
     */
    public static final int SIDE = 28;

    /**
     * Features per image.
     */
    public static final int NUM_FEATURES = SIDE * SIDE;

    /**
     * Class names, indexed by label.
     */
    public static final List<String> CLASS_NAMES = List.of(
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String INSTALL_HINT = "install it with: apt-get install dataset-fashion-mnist (or set data.dir)";
    private static final String REINSTALL_HINT =
        "; re-install it with: apt-get install --reinstall dataset-fashion-mnist (or set data.dir)";

    private FashionMnist()
    {
    }

    /**
     * Load both splits.
     *
     * @param dir the directory holding {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
     *            {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz} (uncompressed files without
     *            {@code .gz} are accepted too).
     * @return train (60 000 rows) and test (10 000 rows), classification with 784 features and 10 classes.
     * @throws BadInputException if the directory or a file is missing, corrupt or inconsistent.
     */
    public static DatasetPair load(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new BadInputException("Fashion-MNIST directory " + dir + " does not exist; " + INSTALL_HINT);
        }
        return new DatasetPair(loadSplit(dir, "train"), loadSplit(dir, "t10k"));
    }

    /**
     * Load one split.
     *
     * @param dir    the dataset directory.
     * @param prefix {@code "train"} or {@code "t10k"}.
     * @return the split as a classification dataset.
     * @throws BadInputException if a file is missing, corrupt or inconsistent.
     */
    public static Dataset loadSplit(final Path dir, final String prefix)
    {
        final Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        final Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        final IdxData images = IdxReader.read(imagesFile, IdxReader.MAGIC_UBYTE_RANK3, REINSTALL_HINT);
        final IdxData labels = IdxReader.read(labelsFile, IdxReader.MAGIC_UBYTE_RANK1, REINSTALL_HINT);
        if (images.dimensions()[1] != SIDE || images.dimensions()[2] != SIDE)
        {
            throw new BadInputException(
                imagesFile + " holds " + images.dimensions()[1] + "x" + images.dimensions()[2] +
                " images, expected " + SIDE + "x" + SIDE + REINSTALL_HINT);
        }
        if (images.count() != labels.count())
        {
            throw new BadInputException(
                imagesFile + " holds " + images.count() + " images but " + labelsFile + " holds " + labels.count() +
                " labels" + REINSTALL_HINT);
        }
        return Dataset.classification(
            toFloats(images.data()), NUM_FEATURES, toLabels(labelsFile, labels.data()), CLASS_NAMES, List.of());
    }

    private static Path find(final Path dir, final String name)
    {
        final Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz))
        {
            return gz;
        }
        final Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain))
        {
            return plain;
        }
        throw new BadInputException("Fashion-MNIST file " + gz + " does not exist; " + INSTALL_HINT);
    }

    private static float[] toFloats(final byte[] pixels)
    {
        final float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++)
        {
            features[i] = pixels[i] & 0xFF;
        }
        return features;
    }

    private static int[] toLabels(final Path file, final byte[] bytes)
    {
        final int[] labels = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            labels[i] = bytes[i] & 0xFF;
            if (labels[i] >= CLASS_NAMES.size())
            {
                throw new BadInputException(
                    file + " is corrupt: label " + labels[i] + " of item " + i + " is not in 0.." +
                    (CLASS_NAMES.size() - 1) + REINSTALL_HINT);
            }
        }
        return labels;
    }
}
