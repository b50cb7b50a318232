package io.descent.data.settings;

/**
 * Which generator of {@link io.descent.data.synthetic.Synthetic} a synthetic source uses
 * ({@code data.synthetic.kind}).
 */
public enum SyntheticKind
{
    /**
     * Linear regression with Gaussian features.
     */
    LINEAR,

    /**
     * Two-class XOR with 2 features.
     */
    XOR,

    /**
     * Classes from a random teacher network.
     */
    TEACHER,

    /**
     * The nonlinear regression function {@code sin(2·x1) + x2²/2}.
     */
    FUNCTION
}
