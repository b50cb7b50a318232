package io.descent.cluster.local;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line that starts another {@code descent} JVM like this one: this JVM's java, flags and class path, so a
 * child runs the same build without a launcher script in between.
 */
public final class JavaCommand
{
    /**
     * The {@code descent} command's main class. Named, not referenced: the command line sits above this module, and
     * a child JVM started with this JVM's class path finds it there (a test in descent-cli keeps the name true).
     */
    public static final String MAIN_CLASS = "io.descent.cli.DescentCli";

    private static final String ADD_OPENS = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JavaCommand()
    {
    }

    /**
     * Gives a child's environment {@code threads} BLAS/OpenMP threads, and passive OpenMP waiting unless the user chose
     * otherwise (spinning OpenMP workers steal the cores from BLAS between ops).
     *
     * @param environment the child's environment, e.g. {@link ProcessBuilder#environment()}.
     * @param threads     BLAS threads, ≥ 1.
     */
    public static void blasThreads(final Map<String, String> environment, final int threads)
    {
        environment.put("OMP_NUM_THREADS", String.valueOf(threads));
        environment.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    }

    /**
     * @param extraFlags JVM flags to add after this JVM's own (e.g. a shared media driver's directory).
     * @return java, its flags, {@code -cp}, the class path and the {@code descent} main class; the caller appends the
     * command's arguments.
     */
    public static List<String> thisJvm(final List<String> extraFlags)
    {
        final List<String> args = new ArrayList<>();
        args.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
            "java").toString()));
        final List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        args.addAll(flags);
        if (flags.stream().noneMatch(f -> f.contains("jdk.internal.misc=ALL-UNNAMED")))
        {
            args.add(ADD_OPENS);
        }
        args.addAll(extraFlags);
        args.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        return args;
    }
}
