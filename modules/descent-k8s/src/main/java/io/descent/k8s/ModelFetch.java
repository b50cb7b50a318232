package io.descent.k8s;

import java.util.List;

/**
 * The kubectl recipe that copies a finished job's model off its checkpoint volume: a short-lived pod of the job's
 * image (it has {@code tar}, which {@code kubectl cp} needs) mounting the claim read-only, {@code kubectl cp}, and the
 * pod's deletion. The server's pod has ended by then (its Job completed), so a ReadWriteOnce claim is free to mount.
 * Stateless.
 */
public final class ModelFetch
{
    private ModelFetch()
    {
    }

    /**
     * @param names     the job's names.
     * @param namespace its namespace.
     * @param image     the job's container image.
     * @param modelDir  the model's directory in the server's pod, on the checkpoint volume.
     * @return the commands, in order, copying the model to {@code ./model}.
     */
    public static List<String> commands(
        final JobNames names, final String namespace, final String image, final String modelDir)
    {
        final String pod = names.job() + "-fetch-model";
        final String overrides = "{\"apiVersion\":\"v1\",\"spec\":{" +
            "\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":10001,\"runAsGroup\":10001}," +
            "\"containers\":[{\"name\":\"fetch\",\"image\":\"" + image + "\",\"command\":[\"sleep\",\"3600\"]," +
            "\"volumeMounts\":[{\"name\":\"checkpoints\",\"mountPath\":\"" + JobSpec.CHECKPOINT_MOUNT + "\"," +
            "\"readOnly\":true}]}]," +
            "\"volumes\":[{\"name\":\"checkpoints\",\"persistentVolumeClaim\":{\"claimName\":\"" +
            names.checkpoints() + "\",\"readOnly\":true}}]}}";
        final String kubectl = "kubectl -n " + namespace + " ";
        return List.of(
            kubectl + "run " + pod + " --restart=Never --image=" + image + " --overrides='" + overrides + "'",
            kubectl + "wait --for=condition=Ready pod/" + pod + " --timeout=5m",
            kubectl + "cp " + pod + ":" + modelDir + " ./model",
            kubectl + "delete pod " + pod);
    }
}
