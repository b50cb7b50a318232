package io.descent.data.shard;

import java.util.List;
import java.util.Map;

/**
 * Renders a manifest tree (maps with insertion order, lists, strings, numbers) as JSON for people: keys in the order
 * given, one key per line, lists of scalars on one line. Stateless and thread-safe.
 */
final class JsonText
{
    private JsonText()
    {
    }

    /**
     * @param value a {@code Map<String, ?>}, {@code List<?>}, {@code String}, {@code Number} or {@code Boolean};
     *              numbers must be finite.
     * @return its JSON text.
     */
    static String render(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        append(out, value, "");
        return out.append('\n').toString();
    }

    private static void append(final StringBuilder out, final Object value, final String indent)
    {
        if (value instanceof Map<?, ?> map)
        {
            out.append("{\n");
            int i = 0;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                out.append(indent).append("  ");
                string(out, entry.getKey().toString());
                out.append(": ");
                append(out, entry.getValue(), indent + "  ");
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        }
        else if (value instanceof List<?> list)
        {
            final boolean scalars = list.stream().noneMatch((v) -> v instanceof Map || v instanceof List);
            out.append('[').append(scalars || list.isEmpty() ? "" : "\n");
            for (int i = 0; i < list.size(); i++)
            {
                out.append(scalars ? "" : indent + "  ");
                append(out, list.get(i), indent + "  ");
                out.append(i + 1 < list.size() ? (scalars ? ", " : ",\n") : (scalars ? "" : "\n" + indent));
            }
            out.append(']');
        }
        else if (value instanceof String text)
        {
            string(out, text);
        }
        else
        {
            out.append(value);
        }
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int)c) : String.valueOf(c));
            }
        }
        out.append('"');
    }
}
