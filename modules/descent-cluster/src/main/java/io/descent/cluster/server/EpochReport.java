package io.descent.cluster.server;

import io.descent.train.Metrics;

/**
 * One epoch as the parameter server saw it.
 *
 * @param epoch          1-based epoch.
 * @param epochs         epochs of the job.
 * @param trainLoss      mean training loss over the epoch's examples (as computed by the workers, before each step).
 * @param examples       examples of the epoch.
 * @param steps          steps of the epoch.
 * @param seconds        wall time of the epoch's steps.
 * @param learningRate   learning rate of the epoch's last step.
 * @param validation     validation metrics at the end of the epoch.
 * @param liveWorkers    workers live at the end of the epoch.
 * @param workerTime     where the workers' time went in the epoch (compute, communication).
 */
public record EpochReport(
    int epoch,
    int epochs,
    double trainLoss,
    long examples,
    int steps,
    double seconds,
    double learningRate,
    Metrics validation,
    int liveWorkers,
    EpochWorkerTime workerTime)
{
    /** @return training examples per second of the epoch. */
    public double samplesPerSecond()
    {
        return seconds > 0.0 ? examples / seconds : 0.0;
    }
}
