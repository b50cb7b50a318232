package io.descent.nn.kernel;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Which of ND4J's native library builds this process runs on: the JavaCPP platform directory its {@code jnind4jcpu}
 * library was loaded from, e.g. {@code linux-x86_64} (the stock build: OpenBLAS and libnd4j's own kernels) or
 * {@code linux-x86_64-onednn-avx2} (oneDNN's convolution, pooling and matrix-product kernels, picked at run time for
 * the CPU). The build is chosen by the class path (the root pom's {@code nd4j.native.classifier}). Thread-safe.
 */
public final class NativeBuild
{
    private static final String LIBRARY = "jnind4jcpu";
    private static final String BINDINGS = "/bindings/";

    private NativeBuild()
    {
    }

    /** @return the loaded build's platform name, or "unknown" when it cannot be told (loads ND4J if it is not yet). */
    public static String name()
    {
        Nd4j.getBackend();
        for (final Map.Entry<String, String> library : Loader.getLoadedLibraries().entrySet())
        {
            final String path = library.getValue().replace('\\', '/');
            final int at = path.lastIndexOf(BINDINGS);
            if (library.getKey().contains(LIBRARY) && at >= 0)
            {
                final int end = path.indexOf('/', at + BINDINGS.length());
                return end < 0 ? "unknown" : path.substring(at + BINDINGS.length(), end);
            }
        }
        return "unknown";
    }

    /** @return true when the loaded build carries oneDNN (its convolution ops are then the fastest path). */
    public static boolean oneDnn()
    {
        return name().contains("-onednn");
    }
}
