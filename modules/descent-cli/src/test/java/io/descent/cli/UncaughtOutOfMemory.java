package io.descent.cli;

/**
 * A child process for {@link OutOfMemoryProcessTest}: installs the handler {@code descent} installs, then runs out
 * of heap on a thread of its own while the main thread waits, as a node's helper thread would.
 */
public final class UncaughtOutOfMemory
{
    private UncaughtOutOfMemory()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        Thread.setDefaultUncaughtExceptionHandler(DescentCli::onUncaught);
        final Thread hungry = new Thread(() ->
        {
            final long[][] hoard = new long[1 << 16][];
            for (int i = 0; i < hoard.length; i++)
            {
                hoard[i] = new long[1 << 20];
            }
            System.out.println("allocated " + hoard.length);
        }, "hungry");
        hungry.start();
        hungry.join();
        // Only reached if the handler did not end the process.
        Thread.currentThread().join(60_000);
    }
}
