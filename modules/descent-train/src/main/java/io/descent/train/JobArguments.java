package io.descent.train;

import com.typesafe.config.Config;
import io.descent.nn.error.BadInputException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job arguments of every command that runs or uses a job: {@code PRESET | --config FILE}, {@code --set KEY=VALUE}
 * (repeatable, applied in order) and {@code --seed S}, with the same help text and the same meaning everywhere
 * (resolved by {@link JobSource}: the same one-line errors, exit 2, for both or an unknown preset, a malformed
 * override, and by {@link JobConfig#from} for an unknown key). A picocli mixin ({@code @Mixin JobArguments job});
 * read on the command's thread.
 */
public final class JobArguments
{
    @Parameters(index = "0", arity = "0..1", paramLabel = "PRESET",
        description = "the job as a preset: fashion-mnist, fashion-mnist-cnn or regression (or --config FILE)")
    String preset;

    @Option(names = "--config", paramLabel = "FILE",
        description = "the job as a HOCON file (sections job, data, model, train), instead of a preset")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "override a job config key, e.g. train.epochs=5 (repeatable; applied in order)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", converter = SeedConverter.class,
        description = "seed of the job (overrides job.seed)")
    Long seed;

    /** Arguments as picocli fills them. */
    public JobArguments()
    {
    }

    /**
     * @param preset a preset name, or null.
     * @param config a HOCON job file, or null.
     * @param sets   overrides {@code key=value}, in order.
     * @param seed   the job's seed, or null.
     * @return the arguments, as if given on a command line.
     */
    public static JobArguments of(final String preset, final Path config, final List<String> sets, final Long seed)
    {
        final JobArguments arguments = new JobArguments();
        arguments.preset = preset;
        arguments.config = config;
        arguments.sets = new ArrayList<>(sets);
        arguments.seed = seed;
        return arguments;
    }

    /** @return whether a preset or a job file was given. */
    public boolean given()
    {
        return null != preset || null != config;
    }

    /**
     * @param defaultPreset the preset to use when neither a preset nor a file was given.
     * @return these arguments, with {@code defaultPreset} when no job was named.
     */
    public JobArguments orPreset(final String defaultPreset)
    {
        return given() ? this : of(defaultPreset, null, sets, seed);
    }

    /**
     * @param set one more override, applied after the user's.
     * @return these arguments with it.
     */
    public JobArguments with(final String set)
    {
        final List<String> all = new ArrayList<>(sets);
        all.add(set);
        return of(preset, config, all, seed);
    }

    /**
     * @return the user's configuration: the preset or file, the overrides, the seed.
     * @throws BadInputException for both or neither of preset and file, an unknown preset, an unreadable or
     *                           malformed file, or a malformed override.
     */
    public Config user()
    {
        return JobSource.build(preset, config, sets, seed);
    }

    /**
     * @param saved the job to start from when neither a preset nor a file was given, e.g. the one saved with a model.
     * @return the user's configuration, over {@code saved} when no job was named.
     */
    public Config user(final Config saved)
    {
        return given() ? user() : JobSource.build(saved, sets, seed);
    }

    /**
     * @return the validated job.
     * @throws BadInputException as {@link #user()} does, and for unknown keys or out-of-range values.
     */
    public JobConfig job()
    {
        return JobConfig.from(user());
    }

    /**
     * @return these arguments as another {@code descent} process takes them (the file's path made absolute), so a
     *         child node resolves the same job.
     */
    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        if (null != preset)
        {
            args.add(preset);
        }
        if (null != config)
        {
            args.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        for (final String set : sets)
        {
            args.addAll(List.of("--set", set));
        }
        if (null != seed)
        {
            args.addAll(List.of("--seed", Long.toString(seed)));
        }
        return args;
    }

    /** Reads {@code --seed}: an integer; says where a node's address goes when given one. */
    static final class SeedConverter implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            try
            {
                return Long.valueOf(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new TypeConversionException("'" + value + "' is not an integer; --seed is the job's seed " +
                    "(as job.seed)" + (value.contains(":") ? "; a worker names its parameter server with --join " +
                    "HOST:PORT" : ""));
            }
        }
    }
}
