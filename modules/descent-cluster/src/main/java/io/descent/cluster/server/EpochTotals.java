package io.descent.cluster.server;

/**
 * The training side of one finished epoch, before its validation metrics are known.
 *
 * @param epoch        1-based epoch.
 * @param trainLoss    mean batch loss weighted by examples.
 * @param examples     examples of the epoch.
 * @param steps        steps of the epoch taken by this server.
 * @param seconds      wall time of those steps.
 * @param learningRate learning rate of the last step.
 * @param liveWorkers  live workers at the end of the epoch.
 */
record EpochTotals(int epoch, double trainLoss, long examples, int steps, double seconds, double learningRate,
    int liveWorkers)
{
}
