package io.descent.cli;

import org.bytedeco.javacpp.Pointer;

/**
 * Checks, before a command starts ND4J, that JavaCPP's resident-memory limit ({@code maxphysicalbytes}, which
 * scripts/descent sets from {@code DESCENT_MAX_PHYSICAL}) leaves room for ND4J's start-up, and throws JavaCPP's kind of
 * {@link OutOfMemoryError} when it does not. Stateless.
 *
 * <p>Why: the first JavaCPP allocation past the limit throws from inside its native allocator after freeing what it
 * allocated, and in JavaCPP 1.5.7 the allocator of a {@code FunctionPointer} then writes into the freed block
 * ({@code rptr->ptr = ...} after {@code JavaCPP_initPointer}; valgrind: "Invalid write of size 8 ... 0 bytes inside a
 * block of size 16 free'd" in {@code openblas_nolapack$SetNumThreads.allocate}). ND4J's start-up allocates exactly
 * such pointers ({@code blas_set_num_threads}), so a limit crossed during start-up corrupts the C heap: on JDK 25 with
 * G1 the next small {@code malloc} aborts the JVM ({@code malloc(): unaligned fastbin chunk detected}, exit 134)
 * instead of the one-line error; on JDK 17 the same write goes unnoticed. Refusing before ND4J starts, with room for
 * its start-up (measured 51-54 MiB of resident memory), keeps every limit failure on the clean path.
 */
final class NativeMemoryPreflight
{
    /** Resident memory ND4J's start-up adds (libraries, OpenMP and BLAS threads), with a margin. */
    static final long ND4J_START_UP_BYTES = 64L << 20;

    private NativeMemoryPreflight()
    {
    }

    /**
     * @throws OutOfMemoryError naming {@code maxPhysicalBytes} (so {@link OutOfMemory} advises DESCENT_MAX_PHYSICAL)
     *                          when the process's resident memory plus ND4J's start-up passes the limit.
     */
    static void check()
    {
        final String problem = problem(Pointer.physicalBytes(), Pointer.maxPhysicalBytes());
        if (null != problem)
        {
            throw new OutOfMemoryError(problem);
        }
    }

    /**
     * @param physicalBytes    the process's resident memory now.
     * @param maxPhysicalBytes JavaCPP's limit (0: none).
     * @return JavaCPP-style message when ND4J's start-up would pass the limit, else null.
     */
    static String problem(final long physicalBytes, final long maxPhysicalBytes)
    {
        if (maxPhysicalBytes <= 0 || physicalBytes + ND4J_START_UP_BYTES <= maxPhysicalBytes)
        {
            return null;
        }
        return "Physical memory usage is too high: physicalBytes (" + Pointer.formatBytes(physicalBytes) +
            ") + ND4J's start-up (" + Pointer.formatBytes(ND4J_START_UP_BYTES) + ") > maxPhysicalBytes (" +
            Pointer.formatBytes(maxPhysicalBytes) + ")";
    }
}
