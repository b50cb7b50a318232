package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A connection to one API server and the translation of its failures: an unreachable server, refused credentials
 * or a missing namespace are the user's to fix (one line, exit 2); anything else is an internal failure carrying
 * what was being done. Not thread-safe; close it after use.
 */
public final class KubeApi implements AutoCloseable
{
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int RETRIES = 1;

    private final KubernetesClient client;
    private final String server;
    private final String origin;

    private KubeApi(final KubernetesClient client, final String server, final String origin)
    {
        this.client = client;
        this.server = server;
        this.origin = origin;
    }

    /**
     * Builds a client from {@code --kubeconfig}/{@code --context}, else the usual kubeconfig, else in-cluster.
     * Does not contact the server.
     *
     * @param options the command's API options.
     * @return a connection.
     * @throws BadInputException for an unreadable or malformed kubeconfig.
     */
    public static KubeApi connect(final ApiOptions options)
    {
        final Config config = config(options);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setRequestTimeout(options.requestTimeoutSeconds * 1000);
        config.setRequestRetryBackoffLimit(RETRIES);
        final KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubeApi(client, config.getMasterUrl(), origin(options));
    }

    private static String origin(final ApiOptions options)
    {
        if (null != options.kubeconfig)
        {
            return "from --kubeconfig " + options.kubeconfig;
        }
        for (final String file : Config.getKubeconfigFilenames())
        {
            if (Files.isRegularFile(Path.of(file)))
            {
                return "from kubeconfig " + file;
            }
        }
        return "no kubeconfig found, so the in-cluster address";
    }

    private static Config config(final ApiOptions options)
    {
        if (options.requestTimeoutSeconds < 1)
        {
            throw new BadInputException("--request-timeout " + options.requestTimeoutSeconds + " must be >= 1 second");
        }
        try
        {
            if (null == options.kubeconfig)
            {
                return Config.autoConfigure(options.context);
            }
            if (!Files.isRegularFile(options.kubeconfig) || !Files.isReadable(options.kubeconfig))
            {
                throw new BadInputException("--kubeconfig " + options.kubeconfig + " does not exist or is not " +
                    "readable; give a kubeconfig file (kubectl config view --raw > FILE)");
            }
            return Config.fromKubeconfig(
                options.context, Files.readString(options.kubeconfig), options.kubeconfig.toString());
        }
        catch (final IOException | KubernetesClientException | IllegalArgumentException ex)
        {
            throw new BadInputException("kubeconfig " + (null == options.kubeconfig ? "" : options.kubeconfig + " ") +
                "cannot be used: " + oneLine(ex) + "; check the file and --context", ex);
        }
    }

    /** @return the fabric8 client; calls through it should go through {@link #call}. */
    public KubernetesClient client()
    {
        return client;
    }

    /**
     * @param namespace the namespace given on the command line, or null.
     * @return it, else the kubeconfig context's namespace, else {@code default}.
     */
    public String namespace(final String namespace)
    {
        if (null != namespace)
        {
            return namespace;
        }
        final String configured = client.getNamespace();
        return null == configured || configured.isBlank() ? "default" : configured;
    }

    /**
     * Runs one API operation, translating its failure.
     *
     * @param doing what the operation does, for the error line, e.g. "creating Job/x-worker in namespace ns".
     * @param operation the calls to make.
     * @return the operation's result.
     * @throws BadInputException when the server is unreachable, refuses the credentials or lacks the namespace.
     */
    public <T> T call(final String doing, final Supplier<T> operation)
    {
        try
        {
            return operation.get();
        }
        catch (final KubernetesClientException ex)
        {
            throw translate(doing, ex);
        }
    }

    RuntimeException translate(final String doing, final KubernetesClientException ex)
    {
        final int code = ex.getCode();
        if (code <= 0 && causedByIo(ex))
        {
            return new BadInputException("cannot reach the Kubernetes API server at " + server + " (" + origin +
                ") while " + doing + " (" + ioReason(ex) + "); check --kubeconfig, --context or KUBECONFIG and the " +
                "network", ex);
        }
        if (401 == code || 403 == code)
        {
            return new BadInputException("the API server at " + server + " refused " + doing + " (" + code + ": " +
                oneLine(ex) + "); check your credentials and RBAC permissions", ex);
        }
        if (404 == code && String.valueOf(ex.getMessage()).contains("namespaces"))
        {
            return new BadInputException("namespace not found while " + doing + " (" + oneLine(ex) +
                "); create it or choose another with --namespace", ex);
        }
        return new IllegalStateException(doing + " failed on " + server + ": " + oneLine(ex), ex);
    }

    private static boolean causedByIo(final Throwable ex)
    {
        for (Throwable t = ex; null != t; t = t.getCause())
        {
            if (t instanceof IOException)
            {
                return true;
            }
        }
        return false;
    }

    private static String ioReason(final Throwable ex)
    {
        String reason = "connection failed";
        for (Throwable t = ex; null != t; t = t.getCause())
        {
            if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException)
            {
                return "connection refused";
            }
            if (t instanceof java.net.UnknownHostException)
            {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof java.net.http.HttpTimeoutException || t instanceof java.net.SocketTimeoutException)
            {
                return "timed out";
            }
            if (t instanceof IOException && null != t.getMessage())
            {
                reason = oneLine(t);
            }
        }
        return reason;
    }

    static String oneLine(final Throwable ex)
    {
        return oneLine(null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage());
    }

    /**
     * @param message text of any length and line count.
     * @return it on one line, at most about 300 characters.
     */
    static String oneLine(final String message)
    {
        final String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @Override
    public void close()
    {
        client.close();
    }
}
