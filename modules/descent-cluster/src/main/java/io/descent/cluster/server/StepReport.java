package io.descent.cluster.server;

/**
 * One applied step as the parameter server saw it, for live metrics. Immutable.
 *
 * @param step          the step.
 * @param seconds       wall time since the previous step was applied (or training started).
 * @param waitSeconds   part of it spent waiting for the last gradient after the weights went out.
 * @param examples      examples the step's gradients were computed on.
 * @param loss          mean loss of those examples before the update.
 * @param liveWorkers   workers live after the step.
 * @param bytesReceived data-plane bytes received for the step (gradients).
 * @param bytesSent     data-plane bytes sent since the previous step (weights and orders).
 * @param lateGradients gradients dropped so far because their backup step had closed without them.
 * @param closedEarly   backup steps so far that closed before every expected gradient was in.
 * @param staleness     the applied gradients' staleness so far (cumulative).
 */
public record StepReport(
    long step,
    double seconds,
    double waitSeconds,
    long examples,
    double loss,
    int liveWorkers,
    long bytesReceived,
    long bytesSent,
    long lateGradients,
    long closedEarly,
    Staleness staleness)
{
}
