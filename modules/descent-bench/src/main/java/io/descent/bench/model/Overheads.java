package io.descent.bench.model;

/**
 * What a step costs beyond compute and the links, measured on the host the model runs on ({@link OverheadProbe}).
 * Immutable.
 *
 * @param stepSeconds       fixed cost of one step, whatever the model's size: step orders, the step barrier, waking
 *                          the compute threads, the data plane's polling; seconds.
 * @param sumBytesPerSec    the server's fold of one gradient into the running sum (an axpy), bytes of gradient per
 *                          second.
 * @param updateBytesPerSec the server's optimizer step (momentum SGD) over its range, bytes of parameters per second.
 * @param copyBytesPerSec   what one process moves through the data plane without a network: a copy into the
 *                          publication, its CRC32C and a copy out, bytes per second (the "link" of a local run).
 */
public record Overheads(double stepSeconds, double sumBytesPerSec, double updateBytesPerSec, double copyBytesPerSec)
{
    public Overheads
    {
        if (!(stepSeconds >= 0) || !(sumBytesPerSec > 0) || !(updateBytesPerSec > 0) || !(copyBytesPerSec > 0))
        {
            throw new IllegalArgumentException("step seconds ≥ 0 and positive rates expected, got " + stepSeconds +
                ", " + sumBytesPerSec + ", " + updateBytesPerSec + ", " + copyBytesPerSec);
        }
    }
}
