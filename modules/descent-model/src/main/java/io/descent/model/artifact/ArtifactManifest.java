package io.descent.model.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.Task;
import io.descent.data.scale.InputScaling;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.nn.error.BadInputException;
import io.descent.nn.loss.Loss;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code model.json}, the index of an artifact: what the model is (fingerprint, widths, loss, task, names), the
 * scaling statistics (each stage with a CRC32C of its values), and the CRC32C of the weights and job files. Written
 * and read with Jackson's tree model, so the field names are exactly those below. Stateless and thread-safe.
 */
final class ArtifactManifest
{
    static final String FILE = "model.json";
    static final String WEIGHTS_FILE = "weights.f32";
    static final String JOB_FILE = "job.conf";
    static final String FORMAT = "descent-model";
    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What model.json says, before the files it names are read. */
    record Contents(
        String fingerprint, String architecture, long parameters, int inputs, int outputs, Loss loss, Task task,
        List<String> classNames, List<String> featureNames, long steps, InputScaling scaling, long weightsCrc,
        long jobCrc)
    {
    }

    private ArtifactManifest()
    {
    }

    /** @return model.json of {@code artifact} whose job file has checksum {@code jobCrc}. */
    static ObjectNode encode(final ModelArtifact artifact, final long weightsCrc, final long jobCrc)
    {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("fingerprint", artifact.fingerprint().hex());
        root.put("architecture", artifact.fingerprint().architecture());
        root.put("parameters", artifact.fingerprint().parameters());
        root.put("inputs", artifact.inputs());
        root.put("outputs", artifact.outputs());
        root.put("loss", artifact.loss().configName());
        root.put("task", artifact.task().name().toLowerCase(Locale.ROOT));
        artifact.classNames().forEach(root.putArray("class_names")::add);
        artifact.featureNames().forEach(root.putArray("feature_names")::add);
        root.put("steps", artifact.steps());
        final ArrayNode stages = root.putArray("scaling");
        for (final Scaler stage : artifact.scaling().stages())
        {
            final ObjectNode node = stages.addObject();
            node.put("kind", stage.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            final double[] offsets = stage.offsets();
            final double[] factors = stage.factors();
            for (final double offset : offsets)
            {
                node.withArray("offsets").add(offset);
            }
            for (final double factor : factors)
            {
                node.withArray("factors").add(factor);
            }
            node.put("crc32c", crcOf(offsets, factors));
        }
        final ObjectNode weights = root.putObject("weights");
        weights.put("file", WEIGHTS_FILE);
        weights.put("format", "float32 little-endian");
        weights.put("floats", artifact.weights().length);
        weights.put("crc32c", weightsCrc);
        final ObjectNode job = root.putObject("job");
        job.put("file", JOB_FILE);
        job.put("crc32c", jobCrc);
        return root;
    }

    /**
     * @param bytes the file's bytes.
     * @param file  where they came from, for messages.
     * @return what it says.
     * @throws BadInputException when it is not a model.json of this version or is damaged.
     */
    static Contents decode(final byte[] bytes, final Path file)
    {
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(bytes);
        }
        catch (final java.io.IOException ex)
        {
            throw damaged(file, "it is not valid JSON (" + ex.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (null == root || !FORMAT.equals(root.path("format").asText()))
        {
            throw damaged(file, "it is not a Descent model (no \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt() != VERSION)
        {
            throw damaged(file, "it is format version " + root.path("version").asText() + ", this Descent reads " +
                VERSION);
        }
        try
        {
            final List<Scaler> stages = new ArrayList<>();
            for (final JsonNode node : required(root, "scaling", file))
            {
                final double[] offsets = doubles(required(node, "offsets", file));
                final double[] factors = doubles(required(node, "factors", file));
                if (required(node, "crc32c", file).asLong() != crcOf(offsets, factors))
                {
                    throw damaged(file, "its scaling statistics do not match their CRC32C");
                }
                stages.add(Scaler.of(ScalingKind.valueOf(node.path("kind").asText().toUpperCase(Locale.ROOT)
                    .replace('-', '_')), offsets, factors));
            }
            return new Contents(
                required(root, "fingerprint", file).asText(),
                required(root, "architecture", file).asText(),
                required(root, "parameters", file).asLong(),
                required(root, "inputs", file).asInt(),
                required(root, "outputs", file).asInt(),
                Loss.fromConfig(required(root, "loss", file).asText(), file + ": loss"),
                Task.valueOf(required(root, "task", file).asText().toUpperCase(Locale.ROOT)),
                strings(root.path("class_names")),
                strings(root.path("feature_names")),
                root.path("steps").asLong(),
                new InputScaling(stages),
                required(required(root, "weights", file), "crc32c", file).asLong(),
                required(required(root, "job", file), "crc32c", file).asLong());
        }
        catch (final IllegalArgumentException ex)
        {
            throw damaged(file, ex.getMessage());
        }
    }

    /** @return the compact JSON bytes of {@code root}. */
    static byte[] bytes(final ObjectNode root)
    {
        try
        {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalStateException("encoding model.json", ex);
        }
    }

    private static long crcOf(final double[] offsets, final double[] factors)
    {
        final ByteBuffer bytes = ByteBuffer.allocate((offsets.length + factors.length) * Double.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asDoubleBuffer().put(offsets).put(factors);
        return ArtifactFiles.crc32c(bytes);
    }

    private static JsonNode required(final JsonNode node, final String field, final Path file)
    {
        final JsonNode value = node.get(field);
        if (null == value || value.isNull())
        {
            throw damaged(file, "it has no \"" + field + "\"");
        }
        return value;
    }

    private static double[] doubles(final JsonNode array)
    {
        final double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static List<String> strings(final JsonNode array)
    {
        final List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static BadInputException damaged(final Path file, final String why)
    {
        return new BadInputException("model artifact: " + file + " is damaged or not a model: " + why +
            "; give a directory written by --save-model or 'descent model from-checkpoint'");
    }
}
