package io.pitgun.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.TextLocation;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Maps a parsed YAML tree onto a builder, with errors at the key's line and column. */
final class PipelineConfigYamlReader
{
    /** The key {@code journal.thread} replaced. */
    private static final String REPLACED_SEPARATE_THREAD = "journal.separate_thread";

    private final ParsedDocument document;
    private final PipelineConfig.Builder builder = PipelineConfig.builder();

    PipelineConfigYamlReader(final ParsedDocument document)
    {
        this.document = document;
    }

    PipelineConfig read()
    {
        final JsonNode root = document.root();
        if (root == null || root.isNull() || root.isMissingNode())
        {
            return build();
        }
        requireObject(root, "", "the configuration");
        checkKeys(root, "");
        builder.ackMode(root.has("journal") ? AckMode.JOURNALED : AckMode.ACCEPTED);
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            final String key = setting.key();
            final int dot = key.indexOf('.');
            JsonNode node = root.get(dot < 0 ? key : key.substring(0, dot));
            if (node != null && dot >= 0)
            {
                final String section = key.substring(0, dot);
                requireObject(node, section, section);
                checkKeys(node, section);
                node = node.get(key.substring(dot + 1));
            }
            if (node != null)
            {
                setting.set(builder, value(setting, node));
            }
        }
        return build();
    }

    private Object value(final PipelineSetting setting, final JsonNode node)
    {
        final String key = setting.key();
        switch (setting.type())
        {
            case INT:
                if (!node.isIntegralNumber() || !node.canConvertToInt())
                {
                    throw error(key, "must be an integer, got " + node);
                }
                return node.intValue();
            case LONG:
                if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0)
                {
                    throw error(key, "must be a byte count of 0 or more, got " + node);
                }
                return node.longValue();
            case BOOLEAN:
                if (!node.isBoolean())
                {
                    throw error(key, "must be true or false, got " + node);
                }
                return node.booleanValue();
            case DURATION_US:
                if (node.isIntegralNumber() && node.canConvertToLong())
                {
                    return node.longValue();
                }
                return parse(setting, node.isTextual() ? node.textValue() : node.toString());
            case PATH:
                return resolve(textValue(node, key));
            default:
                return parse(setting, textValue(node, key));
        }
    }

    private Object parse(final PipelineSetting setting, final String text)
    {
        try
        {
            return setting.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(setting.key(), ex.getMessage());
        }
    }

    private PipelineConfig build()
    {
        try
        {
            return builder.build();
        }
        catch (final PipelineConfigException ex)
        {
            throw new PipelineConfigException(ex.key(), where(ex.key()) + ex.getMessage());
        }
    }

    private Path resolve(final String path)
    {
        final Path p = Path.of(path);
        final Path parent = document.path() == null ? null : document.path().toAbsolutePath().getParent();
        return p.isAbsolute() || parent == null ? p : parent.resolve(p).normalize();
    }

    /** Refuses a key no {@link PipelineSetting} has at this level ({@code ""} or a section's name). */
    private void checkKeys(final JsonNode object, final String section)
    {
        final Set<String> allowed = new TreeSet<>();
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            final String key = setting.key();
            final int dot = key.indexOf('.');
            if (section.isEmpty())
            {
                allowed.add(dot < 0 ? key : key.substring(0, dot));
            }
            else if (dot >= 0 && key.substring(0, dot).equals(section))
            {
                allowed.add(key.substring(dot + 1));
            }
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
        while (fields.hasNext())
        {
            final String name = fields.next().getKey();
            if (!allowed.contains(name))
            {
                final String key = section.isEmpty() ? name : section + "." + name;
                if (key.equals(REPLACED_SEPARATE_THREAD))
                {
                    // The boolean of earlier releases: say what replaced it rather than only that it is unknown.
                    throw error(key, "replaced by " + PipelineSetting.JOURNAL_THREAD.key() +
                        " (true: separate, false: process; producer journals on the publishing thread)");
                }
                throw error(key, "unknown key; expected one of " + allowed);
            }
        }
    }

    private void requireObject(final JsonNode node, final String key, final String what)
    {
        if (!node.isObject())
        {
            throw error(key, what + " must be a mapping of keys to values");
        }
    }

    private String textValue(final JsonNode node, final String key)
    {
        if (!node.isTextual() || node.textValue().isBlank())
        {
            throw error(key, "must be a non-empty string, got " + node);
        }
        return node.textValue();
    }

    private PipelineConfigException error(final String key, final String problem)
    {
        return new PipelineConfigException(key, where(key) + key + ": " + problem);
    }

    private String where(final String key)
    {
        final String pointer = key.isEmpty() ? "" : "/" + key.replace('.', '/');
        final TextLocation location = document.locateNearest(pointer);
        final String source = document.path() == null ? "" : document.path().toString();
        return location == null ? source + ": " : source + ":" + location.line() + ":" + location.column() + ": ";
    }
}
