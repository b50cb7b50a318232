package io.descent.cli.data;

import io.descent.data.load.DataLoader;
import io.descent.data.order.SplitMix64;
import io.descent.data.settings.SettingsReader;
import io.descent.data.settings.SyntheticKind;
import io.descent.data.settings.SyntheticSettings;
import io.descent.data.shard.Sharder;
import io.descent.data.synthetic.SyntheticRows;
import io.descent.nn.error.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code descent data generate}: streams synthetic rows straight into a shard set, one row in memory at a time, so
 * a set of any size (e.g. larger than RAM) can be made. With {@code --seed S} the rows are those
 * {@code data.source = synthetic} gives for {@code job.seed = S} and the same settings.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate a synthetic shard set of any size without holding it in memory.")
public final class GenerateCommand implements Callable<Integer>
{
    @Option(names = "--kind", defaultValue = "teacher", paramLabel = "KIND",
        description = "teacher (default; classes of a random MLP), linear, function, xor")
    private String kind;

    @Option(names = "--rows", required = true, paramLabel = "N", description = "training rows to write")
    private long rows;

    @Option(names = "--features", defaultValue = "8", paramLabel = "D", description = "features per row (default 8)")
    private int features;

    @Option(names = "--classes", defaultValue = "4", paramLabel = "C", description = "teacher: classes (default 4)")
    private int classes;

    @Option(names = "--hidden", defaultValue = "16", paramLabel = "H", description = "teacher: hidden units (16)")
    private int hidden;

    @Option(names = "--noise", defaultValue = "0.1", paramLabel = "S", description = "noise std (default 0.1)")
    private double noise;

    @Option(names = "--bias", defaultValue = "0.5", paramLabel = "B", description = "linear: intercept (0.5)")
    private double bias;

    @Option(names = "--shards", defaultValue = "1", paramLabel = "K", description = "shard files (default 1)")
    private int shards;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new shard set directory")
    private Path out;

    @Option(names = "--test-rows", defaultValue = "0", paramLabel = "M", description = "test rows (with --test-out)")
    private long testRows;

    @Option(names = "--test-out", paramLabel = "DIR", description = "write M test rows of the same problem here")
    private Path testOut;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
        description = "seed of the job (as job.seed): decides the rows (default 42)")
    private long seed;

    @Override
    public Integer call()
    {
        final SyntheticSettings settings = settings();
        if ((null == testOut) != (testRows == 0))
        {
            throw new BadInputException("--test-rows and --test-out go together: give both (M >= 1) or neither");
        }
        final long sourceSeed = SplitMix64.derive(seed, DataLoader.SOURCE_STREAM);
        final String origin = "descent data generate --kind " + kind + " --seed " + seed;
        ShardCommand.report(System.out, out,
            Sharder.write(SyntheticRows.train(settings, sourceSeed), rows, out, shards, origin + " (train)"));
        if (null != testOut)
        {
            ShardCommand.report(System.out, testOut, Sharder.write(SyntheticRows.test(settings, sourceSeed),
                testRows, testOut, (int)Math.min(shards, testRows), origin + " (test)"));
        }
        return 0;
    }

    private SyntheticSettings settings()
    {
        final SyntheticKind syntheticKind = Arrays.stream(SyntheticKind.values())
            .filter((k) -> SettingsReader.configName(k).equals(kind.trim()))
            .findFirst()
            .orElseThrow(() -> new BadInputException("--kind " + kind + " is not valid; valid values: " +
                String.join(", ", Arrays.stream(SyntheticKind.values()).map(SettingsReader::configName).toList())));
        require(rows >= 1, "--rows " + rows + " must be >= 1");
        require(testRows >= 0, "--test-rows " + testRows + " must be >= 0");
        require(features >= (syntheticKind == SyntheticKind.FUNCTION ? 2 : 1),
            "--features " + features + " is too small (>= 1; >= 2 for function)");
        require(classes >= 2, "--classes " + classes + " must be >= 2");
        require(hidden >= 1, "--hidden " + hidden + " must be >= 1");
        require(noise >= 0 && Double.isFinite(noise), "--noise " + noise + " must be a finite number >= 0");
        require(Double.isFinite(bias), "--bias " + bias + " must be finite");
        return new SyntheticSettings(syntheticKind, 2, 1, features, noise, hidden, classes, bias, new double[0]);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new BadInputException(message);
        }
    }
}
