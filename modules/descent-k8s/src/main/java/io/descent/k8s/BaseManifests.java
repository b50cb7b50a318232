package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kustomize base ({@code k8s/base}), packaged into the CLI jar under {@value #RESOURCE_DIR}: its
 * {@code kustomization.yaml} and the resources it lists, in that order, as fabric8's typed model.
 */
public final class BaseManifests
{
    /** Class-path folder of the packaged base. */
    public static final String RESOURCE_DIR = "io/descent/k8s/base/";
    /** The kustomization file. */
    public static final String KUSTOMIZATION = "kustomization.yaml";

    private final KubernetesSerialization serialization;

    /**
     * @param serialization fabric8's (de)serializer; thread-safe.
     */
    public BaseManifests(final KubernetesSerialization serialization)
    {
        this.serialization = serialization;
    }

    /** @return the file names listed under {@code resources:} in the kustomization, in order. */
    public List<String> resourceFiles()
    {
        final Map<?, ?> kustomization = serialization.unmarshal(read(KUSTOMIZATION), Map.class);
        final Object resources = kustomization.get("resources");
        if (!(resources instanceof List<?> list) || list.isEmpty())
        {
            throw new IllegalStateException(RESOURCE_DIR + KUSTOMIZATION + " lists no resources");
        }
        final List<String> files = new ArrayList<>();
        for (final Object file : list)
        {
            files.add(String.valueOf(file));
        }
        return files;
    }

    /** @return fresh typed copies of every resource of the base, in kustomization order; the caller owns them. */
    public List<HasMetadata> load()
    {
        final List<HasMetadata> items = new ArrayList<>();
        for (final String file : resourceFiles())
        {
            final Object item = serialization.unmarshal(read(file));
            if (!(item instanceof HasMetadata resource))
            {
                throw new IllegalStateException(RESOURCE_DIR + file + " is not one Kubernetes resource");
            }
            items.add(resource);
        }
        return items;
    }

    /**
     * @param file a file name of the base.
     * @return its text.
     */
    public static String read(final String file)
    {
        try (InputStream in = BaseManifests.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file))
        {
            if (null == in)
            {
                throw new IllegalStateException("the CLI jar lacks " + RESOURCE_DIR + file +
                    " (k8s/base is packaged by modules/descent-cli/pom.xml); rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading " + RESOURCE_DIR + file + " from the class path", ex);
        }
    }
}
