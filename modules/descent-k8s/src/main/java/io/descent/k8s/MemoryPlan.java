package io.descent.k8s;

/**
 * Memory of one Descent container, in MiB: the JVM heap, ND4J's off-heap, a fixed JVM/native overhead and the
 * {@code /dev/shm} Aeron maps its term buffers in (each publication and image maps 3 x 16 MiB by default). A memory
 * {@code emptyDir} counts against the container's limit, so the limit is the sum of the four; JavaCPP's
 * {@code maxphysicalbytes} sits 128 MiB below it, so ND4J fails with a clear error before the kernel kills the pod.
 *
 * @param heapMiB    {@code -Xmx}.
 * @param offHeapMiB {@code org.bytedeco.javacpp.maxbytes}.
 * @param shmMiB     the {@code /dev/shm} size limit.
 */
public record MemoryPlan(int heapMiB, int offHeapMiB, int shmMiB)
{
    /** JVM metaspace, thread stacks, code cache and native libraries. */
    public static final int OVERHEAD_MIB = 512;
    /** Room left under the limit by JavaCPP's physical-memory cap. */
    public static final int PHYSICAL_MARGIN_MIB = 128;
    /** Aeron's default term length. */
    public static final int TERM_MIB = 16;
    /** Default heap and off-heap of both roles. */
    public static final int DEFAULT_JVM_MIB = 1024;

    /**
     * The parameter server receives one image per worker and sends to each worker: 2 x 3 terms per worker, plus the
     * driver's files and slack.
     *
     * @param workers the job's worker count.
     * @return the parameter server's plan.
     */
    public static MemoryPlan parameterServer(final int workers)
    {
        return new MemoryPlan(DEFAULT_JVM_MIB, DEFAULT_JVM_MIB, 128 + workers * 2 * 3 * TERM_MIB);
    }

    /** @return a worker's plan: one publication and one image, plus the driver's files and slack. */
    public static MemoryPlan worker()
    {
        return new MemoryPlan(DEFAULT_JVM_MIB, DEFAULT_JVM_MIB, 256);
    }

    /** @return the container's memory request and limit. */
    public int limitMiB()
    {
        return heapMiB + offHeapMiB + OVERHEAD_MIB + shmMiB;
    }

    /** @return JavaCPP's physical-memory cap. */
    public int physicalMiB()
    {
        return limitMiB() - PHYSICAL_MARGIN_MIB;
    }
}
