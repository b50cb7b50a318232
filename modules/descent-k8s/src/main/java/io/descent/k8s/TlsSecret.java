package io.descent.k8s;

import io.descent.pki.CertificateAuthority;
import io.descent.pki.NodeCredentials;
import io.descent.pki.Pem;
import io.descent.pki.TlsFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane's TLS material on Kubernetes: the PEM files {@code ca.crt}, {@code tls.crt} and {@code tls.key}
 * (a cert-manager Secret's keys) mounted read-only at {@value #MOUNT_PATH} in every pod, and {@code --tls-dir} pointing
 * there (through {@code DESCENT_ARGS}). Render makes the material ({@link #material}): a CA that lives only for the
 * render (its key is never written anywhere) and one node certificate that every pod of the job presents: Akka checks
 * no host names, only that a peer's certificate is signed by the CA and shares a subject name, so per-pod or per-role
 * certificates would buy nothing while the CA key is gone, and one Secret keeps a rescheduled pod's identity. Or an
 * existing Secret with those keys (cert-manager's Certificate; its CA's other certificates then join too) is mounted
 * by name. Stateless.
 */
public final class TlsSecret
{
    /** Where the pods find their TLS directory. */
    public static final String MOUNT_PATH = "/var/run/secrets/descent/tls";
    /** The pods' volume of it. */
    public static final String VOLUME = "tls";
    /** How long a rendered certificate is valid: a job longer than this needs a cert-manager Secret (rotation). */
    public static final Duration VALIDITY = Duration.ofDays(365);
    /** Read by the owner and the pod's fsGroup only. */
    private static final int MODE = 0440;

    private TlsSecret()
    {
    }

    /**
     * @param names the job's names: the certificate's CN and DNS name are the job's name.
     * @return {@code ca.crt}, {@code tls.crt} and {@code tls.key} as PEM, for the job's Secret.
     */
    public static Map<String, String> material(final JobNames names)
    {
        final CertificateAuthority ca = CertificateAuthority.create(names.job() + "-ca", VALIDITY);
        final NodeCredentials node = ca.issue(names.job(), names.job(), VALIDITY);
        final Map<String, String> files = new LinkedHashMap<>();
        files.put(TlsFiles.CA, Pem.of(node.ca()));
        files.put(TlsFiles.CERT, Pem.of(node.certificate()));
        files.put(TlsFiles.KEY, Pem.of(node.key()));
        return files;
    }

    /**
     * Mounts the Secret's three keys at {@value #MOUNT_PATH} in {@code pod}'s Descent container and adds
     * {@code --tls-dir} to its {@code DESCENT_ARGS}.
     *
     * @param pod    a pod template of the base.
     * @param secret the Secret holding {@code ca.crt}, {@code tls.crt} and {@code tls.key}.
     */
    public static void mount(final PodSpec pod, final String secret)
    {
        final List<KeyToPath> keys = List.of(TlsFiles.CA, TlsFiles.CERT, TlsFiles.KEY).stream()
            .map(key -> new KeyToPathBuilder().withKey(key).withPath(key).build()).toList();
        pod.getVolumes().add(new VolumeBuilder().withName(VOLUME).withNewSecret().withSecretName(secret)
            .withDefaultMode(MODE).withItems(keys).endSecret().build());
        final Container container = PodTemplates.container(pod);
        container.getVolumeMounts().add(new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT_PATH)
            .withReadOnly(true).build());
        final String arg = "--tls-dir " + MOUNT_PATH;
        final EnvVar args = container.getEnv().stream().filter(e -> "DESCENT_ARGS".equals(e.getName())).findFirst()
            .orElse(null);
        if (null == args)
        {
            container.getEnv().add(new io.fabric8.kubernetes.api.model.EnvVarBuilder().withName("DESCENT_ARGS")
                .withValue(arg).build());
        }
        else
        {
            args.setValue(null == args.getValue() || args.getValue().isBlank() ? arg : args.getValue() + " " + arg);
        }
    }
}
