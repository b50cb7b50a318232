package io.descent.cluster.worker;

/**
 * How a worker's part in a job ended.
 *
 * @param status  the kind of ending.
 * @param rank    the rank it had, or -1 if never accepted.
 * @param message a one-line explanation.
 */
public record WorkerOutcome(Status status, int rank, String message)
{
    /** Kinds of ending. */
    public enum Status
    {
        /** The job completed. */
        FINISHED,
        /** The parameter server refused the worker (cluster key, model or configuration mismatch, job full or running). */
        REFUSED,
        /** No parameter server accepted the worker within the registration timeout. */
        NOT_FOUND,
        /** The parameter server stopped the job on bad input (e.g. training diverged); the message says why. */
        BAD_INPUT,
        /**
         * The parameter server went away without ending the job (killed, restarted, unreachable): the worker may
         * register with a restarted one ({@link WorkerNode}).
         */
        SERVER_LOST,
        /** The job failed, the worker was dropped, or no server came back within the server-lost timeout. */
        FAILED
    }
}
