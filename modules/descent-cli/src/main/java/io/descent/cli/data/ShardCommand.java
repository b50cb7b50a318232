package io.descent.cli.data;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.load.DataLoader;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.settings.SettingsReader;
import io.descent.data.shard.ShardManifest;
import io.descent.data.shard.Sharder;
import io.descent.nn.error.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code descent data shard}: loads a source the {@code data} section can load and writes its training part (and,
 * with {@code --test-out}, its test part) as shard sets. Memory: the source itself, plus one row.
 */
@Command(
    name = "shard",
    mixinStandardHelpOptions = true,
    description = "Write a source as a binary shard set: --input fashion-mnist[:DIR] | synthetic | FILE.csv " +
        "(with --target) | FILE.conf (a data section). Train from it with data.source = shards.")
public final class ShardCommand implements Callable<Integer>
{
    @Option(names = "--input", required = true, paramLabel = "SOURCE",
        description = "fashion-mnist[:DIR], synthetic, FILE.csv or FILE.conf")
    private String input;

    @Option(names = "--shards", required = true, paramLabel = "K", description = "number of shard files (>= 1)")
    private int shards;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new shard set directory (training part)")
    private Path out;

    @Option(names = "--test-out", paramLabel = "DIR", description = "also write the source's test part here")
    private Path testOut;

    @Option(names = "--scaling", paramLabel = "KIND", defaultValue = "none",
        description = "bake scaling into the stored features, fitted on the training part: none (default), " +
            "min-max, global-min-max, standardize")
    private String scaling;

    @Option(names = "--target", paramLabel = "COLUMN[,COLUMN…]", description = "CSV: the target column(s)")
    private String target;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "classification",
        description = "CSV: classification (default) or regression")
    private String task;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the job (overrides job.seed of a FILE.conf): " +
        "decides a held-out CSV test part and synthetic rows")
    private Long seed;

    @Override
    public Integer call()
    {
        if (shards < 1)
        {
            throw new BadInputException("--shards " + shards + " must be >= 1");
        }
        final ScalingKind kind = scalingKind(scaling);
        final InputSource source = InputSource.resolve(input, target, task, seed);
        final DatasetPair pair = DataLoader.source(source.data(), source.seed(), 0);
        final Scaler scaler = Scaler.fit(kind, pair.train());
        final String origin = input + " (" + source.data().source().name().toLowerCase() + ")";
        final PrintStream stdout = System.out;
        report(stdout, out, Sharder.write(pair.train(), out, shards, scaler, origin + " train part"));
        if (null != testOut)
        {
            final Dataset test = pair.test();
            report(stdout, testOut, Sharder.write(test, testOut, Math.min(shards, test.size()), scaler,
                origin + " test part"));
        }
        else
        {
            stdout.printf("test part (%d rows) not written; add --test-out DIR to write it%n", pair.test().size());
        }
        return 0;
    }

    static void report(final PrintStream stdout, final Path dir, final ShardManifest manifest)
    {
        stdout.printf("wrote %s: %d rows × (%d features + %d outputs) in %d shards, %.1f MB, scaling %s%n", dir,
            manifest.rows(), manifest.numFeatures(), manifest.numOutputs(), manifest.shards().size(),
            manifest.shards().stream().mapToLong((s) -> s.bytes()).sum() / 1e6,
            SettingsReader.configName(manifest.scaling().kind()));
    }

    private static ScalingKind scalingKind(final String text)
    {
        return Arrays.stream(ScalingKind.values())
            .filter((k) -> SettingsReader.configName(k).equals(text.trim()))
            .findFirst()
            .orElseThrow(() -> new BadInputException("--scaling " + text + " is not valid; valid values: " +
                String.join(", ", Arrays.stream(ScalingKind.values()).map(SettingsReader::configName).toList())));
    }
}
