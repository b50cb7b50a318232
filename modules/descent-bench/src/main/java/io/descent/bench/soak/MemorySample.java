package io.descent.bench.soak;

/**
 * One node's memory at one moment, as its {@code /metrics} reported it. A figure the node did not report (no
 * collection yet, no {@code /proc}) is NaN.
 *
 * @param seconds        when, in seconds since the soak started.
 * @param steps          training steps the node had completed.
 * @param residentBytes  resident set size.
 * @param anonymousBytes the anonymous part of the resident set (heap and native allocations).
 * @param heapAfterGc    heap bytes in use after the node's latest garbage collection.
 * @param javacppBytes   off-heap bytes JavaCPP tracked.
 * @param nd4jAllocations ND4J native buffers and op contexts created so far.
 * @param forcedGcs      collections caused by {@code System.gc()} so far.
 */
record MemorySample(double seconds, double steps, double residentBytes, double anonymousBytes, double heapAfterGc,
    double javacppBytes, double nd4jAllocations, double forcedGcs)
{
}
