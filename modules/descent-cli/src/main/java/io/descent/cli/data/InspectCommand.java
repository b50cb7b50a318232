package io.descent.cli.data;

import io.descent.data.settings.SettingsReader;
import io.descent.data.shard.ShardManifest;
import io.descent.data.shard.ShardSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code descent data inspect DIR}: checks a shard set (headers, sizes, checksums) and describes it. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Check a shard set (manifest, headers, sizes and, unless --no-verify, CRC32C) and describe it.")
public final class InspectCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "the shard set directory")
    private Path dir;

    @Option(names = "--no-verify", description = "skip the checksum pass (headers and sizes are still checked)")
    private boolean noVerify;

    @Override
    public Integer call()
    {
        final ShardManifest manifest = ShardSet.open(dir, !noVerify).manifest();
        System.out.printf("%s: %s, %d rows × (%d features + %d outputs), %d shards of %d rows, scaling %s%s%n", dir,
            SettingsReader.configName(manifest.task()), manifest.rows(), manifest.numFeatures(),
            manifest.numOutputs(), manifest.shards().size(), manifest.rowsPerShard(),
            SettingsReader.configName(manifest.scaling().kind()), noVerify ? "" : ", checksums OK");
        System.out.println("origin: " + manifest.origin());
        if (!manifest.classNames().isEmpty())
        {
            System.out.println("classes: " + String.join(", ", manifest.classNames()));
        }
        return 0;
    }
}
