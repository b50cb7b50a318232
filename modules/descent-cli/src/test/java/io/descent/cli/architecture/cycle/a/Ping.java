package io.descent.cli.architecture.cycle.a;

import io.descent.cli.architecture.cycle.b.Pong;

/** A planted package cycle for ArchitectureTest: package a uses b, which uses a. Test code only. */
public final class Ping
{
    private Ping()
    {
    }

    /** @return a pong. */
    public static Pong pong()
    {
        return Pong.create();
    }

    /** @return a new ping. */
    public static Ping create()
    {
        return new Ping();
    }
}
