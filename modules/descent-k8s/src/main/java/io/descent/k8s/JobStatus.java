package io.descent.k8s;

import java.util.ArrayList;
import java.util.List;

/**
 * What a deployed job is doing, as {@code descent k8s status} prints it (text, or JSON with these field names).
 *
 * @param name      the job name.
 * @param namespace its namespace.
 * @param state     {@code succeeded} (the server's Job completed), {@code failed} (either Job failed: out of
 *                  restarts), {@code running}, {@code starting} or {@code incomplete} (some of its resources are
 *                  missing).
 * @param ps        the parameter server's Job, null when missing.
 * @param workers   the workers' Job, null when missing.
 * @param pods      the job's pods, parameter server first, then workers by rank.
 * @param model     where the server saves the trained model and how to fetch it, or null when the job saves none.
 * @param shards    the Jobs of the parameter-server shards after the coordinator ({@code --servers S}), by shard;
 *                  empty for one server.
 */
public record JobStatus(
    String name, String namespace, String state, ParameterServer ps, Workers workers, List<Pod> pods,
    SavedModel model, List<Shard> shards)
{
    /**
     * A parameter-server shard's Job (one pod, like the coordinator's).
     *
     * @param name   the Job's name, {@code <job>-ps-<shard>}.
     * @param server its pods' counts.
     */
    public record Shard(String name, ParameterServer server)
    {
    }

    /**
     * The parameter server's Job (one pod at a time; a crashed one is restarted and resumes).
     *
     * @param active    running server pods (0 or 1).
     * @param ready     ready server pods (its /health answers 200).
     * @param succeeded server pods that exited 0: 1 once the job is over.
     * @param failed    server pods that failed (a lost node, or out of container restarts).
     */
    public record ParameterServer(int active, int ready, int succeeded, int failed)
    {
    }

    /**
     * @param completions workers the job runs (its N).
     * @param active      running worker pods.
     * @param succeeded   workers that finished.
     * @param failed      worker pod failures so far.
     */
    public record Workers(int completions, int active, int succeeded, int failed)
    {
    }

    /**
     * @param name      pod name.
     * @param component {@code parameter-server} or {@code worker}.
     * @param rank      the worker's rank, null for the parameter server.
     * @param phase     the pod's phase.
     * @param ready     whether the pod is ready (its /health answers).
     * @param restarts  container restarts.
     * @param reason    why it waits or last ended (e.g. CrashLoopBackOff, Error), or null.
     * @param message   the last termination message (the process's error line), or null.
     */
    public record Pod(
        String name, String component, Integer rank, String phase, boolean ready, int restarts, String reason,
        String message)
    {
    }

    /**
     * The model the parameter server writes to its checkpoint volume once the job has succeeded.
     *
     * @param path  the model's directory in the server's pod.
     * @param claim the checkpoint volume's PersistentVolumeClaim.
     * @param fetch kubectl commands that copy it to {@code ./model} (a short-lived pod mounting the claim), or empty
     *              until the job has succeeded.
     */
    public record SavedModel(String path, String claim, List<String> fetch)
    {
    }

    /** @return the status as lines for a terminal. */
    public List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("job '" + name + "' in namespace " + namespace + ": " + state);
        lines.add(null == ps ? "  parameter server: missing" :
            "  parameter server: " + ps.active() + " active, " + ps.ready() + " ready, " + ps.succeeded() +
            " succeeded, " + ps.failed() + " failed");
        for (final Shard shard : shards)
        {
            final ParameterServer server = shard.server();
            lines.add("  server shard " + shard.name() + ": " + server.active() + " active, " + server.ready() +
                " ready, " + server.succeeded() + " succeeded, " + server.failed() + " failed");
        }
        lines.add(null == workers ? "  workers: missing" :
            "  workers: " + workers.completions() + " total, " + workers.active() + " active, " +
            workers.succeeded() + " succeeded, " + workers.failed() + " failed");
        for (final Pod pod : pods)
        {
            lines.add(String.format("  %-40s %-16s %-9s %-9s restarts %d%s", pod.name(),
                null == pod.rank() ? pod.component() : "worker " + pod.rank(), pod.phase(),
                pod.ready() ? "ready" : "not-ready", pod.restarts(),
                (null == pod.reason() ? "" : "  " + pod.reason()) +
                (null == pod.message() ? "" : ": " + pod.message())));
        }
        if (null != model && model.fetch().isEmpty())
        {
            lines.add("  model: written to " + model.path() + " on PersistentVolumeClaim/" + model.claim() +
                " when the job succeeds");
        }
        else if (null != model)
        {
            lines.add("  model: " + model.path() + " on PersistentVolumeClaim/" + model.claim() + "; fetch it with:");
            model.fetch().forEach(command -> lines.add("    " + command));
        }
        return lines;
    }
}
