package io.descent.transport.archfixture;

import io.descent.cluster.ClusterSettings;

/**
 * A planted violation for ArchitectureTest: a class in descent-transport's packages that uses descent-cluster. Test
 * code only; never on a main class path.
 */
public final class ReachesUp
{
    private ClusterSettings settings;

    private ReachesUp()
    {
    }

    /** @return the settings, so the field is used. */
    public ClusterSettings settings()
    {
        return settings;
    }

    /** A planted test double. */
    public static final class FakeClock
    {
        private FakeClock()
        {
        }
    }
}
