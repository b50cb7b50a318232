package io.descent.bench.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a data-plane MAC would add to a synchronous step on this host were all its CPU time on the step's path, from
 * numbers measured in the same run: the bytes every process tags or checks per step ({@link #macBytesPerStep}) ÷ the
 * MAC's rate on one thread (bytes per CPU-second of that thread) is the MAC's CPU time per step {@code W}; spread as
 * well as it can be over {@code P} processes on {@code C} cores it adds {@code W / min(P, C)} to the step, so the
 * step-time ratio with the MAC against without is {@code 1 + W / (min(P, C) · T)}, {@code T} the step time without
 * it. Not a floor: the processes wait part of each step (for the server, for a core), and MAC work done in that time
 * costs the step nothing (measured quiet: ×1.009 against ×1.064 from this). A measured ratio near it says the MAC's CPU
 * is on the path; far below it, that the MAC hides in the step's waits. Immutable.
 *
 * @param workers          the worker count.
 * @param mac              the MAC the nodes ran ({@code ChunkAuth} label), e.g. chacha20-poly1305.
 * @param macBytesPerStep  bytes tagged or checked per step by all processes together.
 * @param macBytesPerSec   the MAC's rate on one thread, bytes per CPU-second, measured in this run.
 * @param processes        processes that tag or check: workers plus server shards.
 * @param cores            CPUs the run could use.
 * @param plainStepSeconds the step time without the MAC (the {@code none} row's, median run).
 * @param measured         the measured step-time ratio, MAC ÷ none (median of the rounds, {@link StepRatio}).
 * @param shaped           whether the links were shaped ({@code --netns --link-rate}): the MAC may hide behind them.
 * @param partial          whether some messages' bytes were not counted (threshold-coded: their length varies).
 */
record MacCpuCost(int workers, String mac, double macBytesPerStep, double macBytesPerSec, int processes, int cores,
    double plainStepSeconds, double measured, boolean shaped, boolean partial)
{
    /**
     * Bytes tagged or checked per synchronous step: each worker tags its gradient and the server (its shards, each
     * its range) checks it; the server tags the weights once per broadcast (each chunk once for all workers,
     * {@code FanOutSender}'s shared {@code BroadcastTags}) and each worker checks them. So
     * {@code N·G + N·G + Wt + N·Wt}, {@code G} and {@code Wt} a gradient's and the weights' wire bytes. The step's
     * small messages (orders, gradient metadata) are left out.
     *
     * @param params                the model's parameter count.
     * @param workers               the worker count {@code N}.
     * @param gradientBytesPerValue bytes a gradient value takes on the wire (4 float32, 2 fp16/bf16; 0: not counted).
     * @param weightBytesPerValue   bytes a weight takes on the wire (likewise).
     * @return the bytes.
     */
    static double macBytesPerStep(final long params, final int workers, final int gradientBytesPerValue,
        final int weightBytesPerValue)
    {
        final double gradient = (double)params * gradientBytesPerValue;
        final double weights = (double)params * weightBytesPerValue;
        return 2.0 * workers * gradient + weights + (double)workers * weights;
    }

    /** @return {@code W}: CPU-seconds of MAC per step, all processes together. */
    double cpuSecondsPerStep()
    {
        return macBytesPerStep / macBytesPerSec;
    }

    /** @return {@code min(P, C)}: how many processes can run their MAC at once. */
    int parallel()
    {
        return Math.min(processes, cores);
    }

    /** @return whether more processes than cores ran ({@code P > C}). */
    boolean saturated()
    {
        return processes > cores;
    }

    /** @return {@code 1 + W / (min(P, C) · T)}: the least step-time ratio, MAC ÷ none. */
    double cpuBound()
    {
        return 1 + cpuSecondsPerStep() / (parallel() * plainStepSeconds);
    }

    /**
     * @return one line for the terminal, e.g. "2 workers, MAC step cost: measured ×1.076, if CPU-bound ×1.062
     * (W = 2.50 ms CPU per step: 15.0 MB at 6.00 GB per CPU-second of chacha20-poly1305; 3 processes on 2 cores)".
     */
    String line()
    {
        final String boundText = shaped ? "were the cores the bottleneck (links shaped: the MAC can hide " +
            "behind the wire)" : saturated() ? "if CPU-bound" : "if every process's MAC is on the " +
            "step's path (cores not saturated)";
        return String.format("%d worker%s, MAC step cost: measured ×%.3f, %s ×%.3f (W = %.2f ms CPU per step: " +
            "%.1f MB at %.2f GB per CPU-second of %s; %d processes on %d cores%s)", workers, workers == 1 ? "" : "s",
            measured, boundText, cpuBound(), cpuSecondsPerStep() * 1e3, macBytesPerStep / 1e6, macBytesPerSec / 1e9,
            mac, processes, cores, partial ? "; threshold-coded bytes not counted" : "");
    }

    /** @return the estimate as a report entry. */
    Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("workers", workers);
        json.put("mac", mac);
        json.put("mac_bytes_per_step", macBytesPerStep);
        json.put("mac_bytes_per_cpu_s", macBytesPerSec);
        json.put("mac_cpu_s_per_step", cpuSecondsPerStep());
        json.put("processes", processes);
        json.put("cores", cores);
        json.put("saturated", saturated());
        json.put("links_shaped", shaped);
        json.put("bytes_partly_counted", partial);
        json.put("plain_step_s", plainStepSeconds);
        json.put("step_ratio", measured);
        json.put("cpu_bound_step_ratio", cpuBound());
        return json;
    }
}
