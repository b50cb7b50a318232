package io.descent.bench.model;

/**
 * What a step costs beyond compute and the links, measured on the host the model runs on ({@link RateProbe},
 * {@code DataPlaneProbe}). Immutable.
 *
 * @param stepSeconds         fixed cost of one step, whatever the model's size: step orders, the step barrier, waking
 *                            the compute threads, the data plane's polling; seconds.
 * @param sumBytesPerSec      the server's fold of one gradient into the running sum (an axpy), bytes of gradient per
 *                            second.
 * @param updateBytesPerSec   the server's update of its range: the finiteness check of the summed gradient (one BLAS
 *                            pass) and the optimizer step (momentum SGD), bytes of parameters per second.
 * @param copyBytesPerSec     one process's copy of a buffer into a publication, with its CRC32C, and out again: what
 *                            the server spends per byte on each further copy of a broadcast.
 * @param transferBytesPerSec one message through the data plane from one process to another (chunks tagged and
 *                            copied in by the sender, checked and copied out by the receiver), at the model's size:
 *                            the most a sender-receiver pair moves, whatever the link.
 * @param tagBytesPerSec      the chunk tag alone (the MAC, or the CRC32C), one thread: what a server spends per byte it
 *                            receives (a check) and per byte it broadcasts (one tag for every receiver).
 */
public record Overheads(double stepSeconds, double sumBytesPerSec, double updateBytesPerSec, double copyBytesPerSec,
    double transferBytesPerSec, double tagBytesPerSec)
{
    public Overheads
    {
        if (!(stepSeconds >= 0) || !(sumBytesPerSec > 0) || !(updateBytesPerSec > 0) || !(copyBytesPerSec > 0) ||
            !(transferBytesPerSec > 0) || !(tagBytesPerSec > 0))
        {
            throw new IllegalArgumentException("step seconds ≥ 0 and positive rates expected, got " + stepSeconds +
                ", " + sumBytesPerSec + ", " + updateBytesPerSec + ", " + copyBytesPerSec + ", " +
                transferBytesPerSec + ", " + tagBytesPerSec);
        }
    }

    /** @return these overheads with a fixed cost of {@code seconds} per step. */
    public Overheads withStepSeconds(final double seconds)
    {
        return new Overheads(seconds, sumBytesPerSec, updateBytesPerSec, copyBytesPerSec, transferBytesPerSec,
            tagBytesPerSec);
    }
}
