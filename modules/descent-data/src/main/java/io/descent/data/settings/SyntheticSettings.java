package io.descent.data.settings;

import io.descent.nn.error.BadInputException;

/**
 * Validated {@code data.synthetic} settings. Immutable.
 *
 * @param kind         which generator.
 * @param samples      rows for train + validation, ≥ 2.
 * @param testSamples  rows for the test split, ≥ 1.
 * @param features     features per row (ignored by xor, which has 2).
 * @param noise        noise standard deviation, ≥ 0.
 * @param hidden       teacher hidden units, ≥ 1.
 * @param classes      teacher classes, ≥ 2.
 * @param bias         linear intercept.
 * @param coefficients linear weights, one per feature, or empty to draw them from the seed.
 */
public record SyntheticSettings(
    SyntheticKind kind,
    int samples,
    int testSamples,
    int features,
    double noise,
    int hidden,
    int classes,
    double bias,
    double[] coefficients)
{
    /**
     * @param reader the {@code data.synthetic} section.
     * @return the validated settings.
     */
    public static SyntheticSettings from(final SettingsReader reader)
    {
        final SyntheticKind kind = reader.enumValue("kind", SyntheticKind.class);
        final int features = reader.intAtLeast("features", kind == SyntheticKind.FUNCTION ? 2 : 1);
        final double[] coefficients = reader.doubleList("coefficients");
        if (coefficients.length != 0 && coefficients.length != features)
        {
            throw new BadInputException(
                reader.full("coefficients") + " has " + coefficients.length + " values but " +
                reader.full("features") + " = " + features + "; give one per feature or leave it empty []");
        }
        return new SyntheticSettings(
            kind,
            reader.intAtLeast("samples", 2),
            reader.intAtLeast("test-samples", 1),
            features,
            reader.doubleAtLeast("noise", 0.0),
            reader.intAtLeast("hidden", 1),
            reader.intAtLeast("classes", 2),
            reader.finiteDouble("bias"),
            coefficients);
    }

    /**
     * @return a copy of the linear weights (empty when they are drawn from the seed).
     */
    @Override
    public double[] coefficients()
    {
        return coefficients.clone();
    }
}
