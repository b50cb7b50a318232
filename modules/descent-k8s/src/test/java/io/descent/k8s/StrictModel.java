package io.descent.k8s;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that fabric8's typed model did not know: its classes keep them in {@code additionalProperties}
 * instead of failing, so a misspelt or misplaced key would otherwise pass unnoticed.
 */
final class StrictModel
{
    private StrictModel()
    {
    }

    /** @return the paths of every unknown field under {@code root}, e.g. {@code spec.template.spec.foo}. */
    static List<String> unknownFields(final Object root)
    {
        final List<String> unknown = new ArrayList<>();
        walk(root, "", unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void walk(final Object value, final String path, final List<String> unknown,
        final Map<Object, Boolean> seen)
    {
        if (null == value || null != seen.put(value, Boolean.TRUE))
        {
            return;
        }
        if (value instanceof Collection<?> items)
        {
            int i = 0;
            for (final Object item : items)
            {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map)
        {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model"))
        {
            return;
        }
        for (Class<?> type = value.getClass(); Object.class != type; type = type.getSuperclass())
        {
            for (final Field field : type.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()))
                {
                    continue;
                }
                field.setAccessible(true);
                final Object fieldValue = read(field, value);
                if ("additionalProperties".equals(field.getName()))
                {
                    if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty())
                    {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                    continue;
                }
                walk(fieldValue, path + "." + field.getName(), unknown, seen);
            }
        }
    }

    private static Object read(final Field field, final Object owner)
    {
        try
        {
            return field.get(owner);
        }
        catch (final IllegalAccessException ex)
        {
            throw new AssertionError("reading " + field, ex);
        }
    }
}
