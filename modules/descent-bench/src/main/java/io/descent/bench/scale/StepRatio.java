package io.descent.bench.scale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one swept setting costs: a row's step time ÷ the step time of the row that differs from it only in that
 * setting, at its first listed value (e.g. {@code --auth none,aes-gmac}: aes-gmac ÷ none), at the same worker count.
 * With repeats the runs are paired by round (each round runs both, close in time, in alternating order), and the
 * median ratio and the range of the pairs are given; the throughput ratio (the row's samples per second ÷ the compared
 * row's, the inverse of the step-time ratio at the same worker count and batch) beside it, which is how a gradient
 * compression's gain is stated (e.g. {@code --compression none,fp16}: fp16 ÷ none). Immutable.
 *
 * @param workers    the worker count.
 * @param label      the row's settings.
 * @param against    the compared row's settings.
 * @param difference the setting they differ in, e.g. "auth aes-gmac vs none".
 * @param median     median over rounds of the step-time ratio (the smaller of the middle two for an even count).
 * @param min        the smallest ratio of a round.
 * @param max        the largest.
 * @param rounds     rounds paired.
 * @param throughput median over rounds of the throughput ratio (the smaller of the middle two for an even count).
 * @param throughputMin the smallest throughput ratio of a round.
 * @param throughputMax the largest.
 */
record StepRatio(int workers, String label, String against, String difference, double median, double min,
    double max, int rounds, double throughput, double throughputMin, double throughputMax)
{
    /**
     * A run's place in a sweep.
     *
     * @param settings its settings.
     * @param workers  its worker count.
     */
    record Key(ScaleSettings settings, int workers)
    {
    }

    /**
     * @param sweep   what was swept.
     * @param repeats every row's runs, in round order.
     * @return a ratio for every row not at the first value of each swept setting, in the order of {@code repeats}.
     */
    static List<StepRatio> of(final ScaleSweep sweep, final Map<Key, List<ScaleRun>> repeats)
    {
        final List<StepRatio> ratios = new ArrayList<>();
        repeats.forEach((key, runs) ->
        {
            for (final ScaleSettings base : sweep.baselinesOf(key.settings()))
            {
                final List<ScaleRun> baseRuns = repeats.get(new Key(base, key.workers()));
                if (null != baseRuns)
                {
                    ratios.add(paired(key, runs, base, baseRuns));
                }
            }
        });
        return ratios;
    }

    private static StepRatio paired(
        final Key key, final List<ScaleRun> runs, final ScaleSettings base, final List<ScaleRun> baseRuns)
    {
        final int rounds = Math.min(runs.size(), baseRuns.size());
        final List<Double> each = new ArrayList<>();
        final List<Double> speeds = new ArrayList<>();
        for (int round = 0; round < rounds; round++)
        {
            each.add(runs.get(round).stepSeconds() / baseRuns.get(round).stepSeconds());
            speeds.add(runs.get(round).samplesPerSec() / baseRuns.get(round).samplesPerSec());
        }
        final List<Double> sorted = each.stream().sorted().toList();
        final List<Double> faster = speeds.stream().sorted().toList();
        return new StepRatio(key.workers(), key.settings().label(), base.label(),
            ScaleSweep.difference(key.settings(), base), sorted.get((sorted.size() - 1) / 2), sorted.get(0),
            sorted.get(sorted.size() - 1), rounds, faster.get((faster.size() - 1) / 2), faster.get(0),
            faster.get(faster.size() - 1));
    }

    /** @return the ratio as a report entry. */
    Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("workers", workers);
        json.put("label", label);
        json.put("against", against);
        json.put("difference", difference);
        json.put("step_ratio", median);
        json.put("step_ratio_min", min);
        json.put("step_ratio_max", max);
        json.put("rounds", rounds);
        json.put("throughput_ratio", throughput);
        json.put("throughput_ratio_min", throughputMin);
        json.put("throughput_ratio_max", throughputMax);
        return json;
    }

    /**
     * @return one line for the terminal, e.g. "2 workers, auth aes-gmac vs none: step time ×1.031 (+3.1 %)…", or for
     * a compression "2 workers, compression fp16 vs none: throughput ×1.612 of none's (step time ×0.620)…".
     */
    String line()
    {
        if (null != difference && difference.startsWith("compression "))
        {
            final String base = difference.substring(difference.lastIndexOf(" vs ") + 4);
            return String.format("%d worker%s, %s: throughput ×%.3f of %s's (step time ×%.3f)%s", workers,
                workers == 1 ? "" : "s", difference, throughput, base, median, rounds > 1 ? String.format(
                    ", %d rounds %.3f–%.3f", rounds, throughputMin, throughputMax) : "");
        }
        return String.format("%d worker%s, %s: step time ×%.3f (%+.1f %%)%s", workers, workers == 1 ? "" : "s",
            difference, median, (median - 1) * 100, rounds > 1 ? String.format(", %d rounds %.3f–%.3f", rounds, min,
                max) : "");
    }
}
