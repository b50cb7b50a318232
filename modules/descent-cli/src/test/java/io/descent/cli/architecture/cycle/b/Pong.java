package io.descent.cli.architecture.cycle.b;

import io.descent.cli.architecture.cycle.a.Ping;

/** The other half of the planted package cycle (see Ping). Test code only. */
public final class Pong
{
    private Pong()
    {
    }

    /** @return a ping. */
    public static Ping ping()
    {
        return Ping.create();
    }

    /** @return a new pong. */
    public static Pong create()
    {
        return new Pong();
    }
}
