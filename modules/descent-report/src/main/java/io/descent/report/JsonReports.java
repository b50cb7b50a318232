package io.descent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Path;

/**
 * Writes JSON reports atomically ({@link AtomicFiles}): a reader sees either the old report or the whole new one.
 */
public final class JsonReports
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReports()
    {
    }

    /**
     * Serialises {@code report} (maps, lists, records, numbers, strings) to {@code target} atomically.
     *
     * @param target the report file; its directory must exist.
     * @param report the value to write.
     */
    public static void writeAtomically(final Path target, final Object report)
    {
        AtomicFiles.write(target, path -> MAPPER.writeValue(path.toFile(), report));
    }

    /**
     * @param value maps, lists, records, numbers, strings.
     * @return {@code value} as compact JSON on one line.
     * @throws JsonProcessingException when it cannot be serialised.
     */
    public static String line(final Object value) throws JsonProcessingException
    {
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    /** @return the shared mapper (thread-safe once configured), for tests that read reports back. */
    public static ObjectMapper mapper()
    {
        return MAPPER;
    }
}
