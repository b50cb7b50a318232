package io.descent.cli;

import io.descent.train.JobArguments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that takes a job takes it as {@code train} does ({@code PRESET | --config FILE}, {@code --set},
 * {@code --seed}): the same help text, and the same one line (exit 2) for the same bad job on every command.
 */
class JobArgumentsTest
{
    @TempDir
    static Path shared;
    private static Path job;
    private static Path model;

    @BeforeAll
    static void saveAModel() throws IOException
    {
        job = Files.writeString(shared.resolve("job.conf"), "job { name = demo }\ntrain { epochs = 1 }\n");
        model = shared.resolve("model");
        final StringWriter err = new StringWriter();
        assertEquals(0, DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "train", "regression", "--no-progress", "--set", "train.epochs=1", "--set",
            "data.synthetic.samples=500", "--save-model", model.toString()), err::toString);
    }

    /** Each command taking a job, with the other arguments it needs to reach the job. */
    private static Map<String, List<String>> commands()
    {
        final Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("train", List.of("train"));
        commands.put("ps", List.of("ps", "--bind", "127.0.0.1:0"));
        commands.put("worker", List.of("worker", "--join", "127.0.0.1:1"));
        commands.put("evaluate", List.of("evaluate", "--model", model.toString()));
        commands.put("bench soak", List.of("bench", "soak"));
        commands.put("bench scale", List.of("bench", "scale"));
        commands.put("k8s render", List.of("k8s", "render", "--workers", "2", "--image", "descent:0.1.0"));
        commands.put("k8s submit", List.of("k8s", "submit", "--workers", "2", "--image", "descent:0.1.0",
            "--kubeconfig", shared.resolve("no-kubeconfig").toString()));
        return commands;
    }

    /** The commands with no job of their own to fall back on when none is named. */
    private static final List<String> NEED_A_JOB = List.of("train", "ps", "worker", "k8s render", "k8s submit");

    @Test
    void shouldRefuseTheSameBadJobWithTheSameLineOnEveryCommand()
    {
        final Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("give either a preset or --config FILE, not both",
            new String[]{ "regression", "--config", job.toString() });
        cases.put("unknown preset 'mnist-xl'", new String[]{ "mnist-xl" });
        cases.put("train.epoch", new String[]{ "regression", "--set", "train.epoch=3" });
        cases.put("--set 'train.epochs' must look like key=value", new String[]{ "regression", "--set", "train.epochs" });
        cases.put("nope.conf does not exist", new String[]{ "--config", shared.resolve("nope.conf").toString() });
        cases.put("fashion-mnist is a preset: give it without --config", new String[]{ "--config", "fashion-mnist" });
        cases.put("'x1' is not an integer; --seed is the job's seed", new String[]{ "regression", "--seed", "x1" });
        cases.forEach((what, jobArgs) ->
        {
            final Map<String, String> lines = new LinkedHashMap<>();
            commands().forEach((name, command) -> lines.put(name, badInput(name, command, jobArgs)));
            final String train = lines.get("train");
            assertTrue(train.startsWith("descent: ") && train.contains(what), train);
            lines.forEach((name, line) -> assertEquals(train, line, () -> what + ": '" + name + "' says otherwise"));
        });
    }

    @Test
    void shouldAskForAJobTheSameWayWhereThereIsNoDefault()
    {
        final String train = badInput("train", List.of("train"));
        assertTrue(train.contains("give a preset (fashion-mnist, fashion-mnist-cnn, regression) or --config FILE"), train);
        commands().forEach((name, command) ->
        {
            if (NEED_A_JOB.contains(name))
            {
                assertEquals(train, badInput(name, command), name);
            }
        });
    }

    @Test
    void shouldApplyTheSetsAndTheSeedOfEveryCommandInOrder()
    {
        final JobArguments arguments = JobArguments.of("regression", null,
            List.of("train.epochs=4", "train.epochs=6"), 99L);
        assertEquals(6, arguments.job().train().epochs(), "later --set wins");
        assertEquals(99, arguments.job().seed());
        assertEquals(List.of("regression", "--set", "train.epochs=4", "--set", "train.epochs=6", "--seed", "99"),
            arguments.toArgs());
        assertEquals(arguments.job().raw(), parse(arguments.toArgs()).job().raw(), "a child process reads the same");
    }

    private static JobArguments parse(final List<String> args)
    {
        final JobArguments parsed = new JobArguments();
        new CommandLine(parsed).parseArgs(args.toArray(String[]::new));
        return parsed;
    }

    @Test
    void shouldDescribeTheJobArgumentsInTheSameWordsEverywhere()
    {
        final CommandSpec reference = new CommandLine(new JobArguments()).getCommandSpec();
        final CommandLine root = new CommandLine(DescentCli.class);
        for (final String name : commands().keySet())
        {
            CommandLine command = root;
            for (final String part : name.split(" "))
            {
                command = command.getSubcommands().get(part);
            }
            final CommandSpec spec = command.getCommandSpec();
            for (final String option : List.of("--config", "--set", "--seed"))
            {
                final OptionSpec expected = reference.findOption(option);
                final OptionSpec actual = spec.findOption(option);
                assertEquals(Arrays.asList(expected.description()), Arrays.asList(actual.description()),
                    name + " " + option);
                assertEquals(expected.paramLabel(), actual.paramLabel(), name + " " + option);
            }
            final PositionalParamSpec preset = spec.positionalParameters().stream()
                .filter(p -> "PRESET".equals(p.paramLabel())).findFirst().orElseThrow();
            assertEquals(Arrays.asList(reference.positionalParameters().get(0).description()),
                Arrays.asList(preset.description()), name + " PRESET");
        }
    }

    private static String badInput(final String name, final List<String> command, final String... jobArgs)
    {
        final List<String> args = new ArrayList<>(command);
        args.addAll(List.of(jobArgs));
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            args.toArray(String[]::new));
        final String line = err.toString().strip();
        assertEquals(2, code, () -> name + ": " + err);
        assertFalse(line.contains("\n"), () -> name + ": one line expected, got " + err);
        // picocli's own errors end with the command's help hint; the rest must be the same everywhere.
        final int hint = line.indexOf(" (see 'descent ");
        return hint < 0 ? line : line.substring(0, hint);
    }
}
