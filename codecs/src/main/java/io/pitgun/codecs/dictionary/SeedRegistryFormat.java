package io.pitgun.codecs.dictionary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the registry format of the framework reference (seed 000's {@code registries/f1_generic.yaml}: {@code version},
 * {@code name}, {@code parameters[]} with {@code id}, {@code name}, {@code unit}, {@code data_type}, {@code range})
 * into a {@code metrics-dictionary/v1} document, so a user can bring such a file as written.
 *
 * <p>What the registry format does not say is defaulted, and every default is a warning: the dictionary name is
 * made from the registry's name ({@code "F1 Generic Registry"} becomes {@code f1-generic-registry}), a channel's
 * {@code dimension} is the one its unit usually measures ({@link Unit#dimension()}), its {@code access} is
 * {@code public}, and a unit written in another case ({@code RPM}) is the vocabulary's spelling. Everything else is
 * kept as written, so the canonical checks (schema, unique ids and names, ranges) report what is wrong with it.
 * Cold path.
 */
final class SeedRegistryFormat
{
    private static final int LISTED_ENTRIES = 5;

    private SeedRegistryFormat()
    {
    }

    /** Whether {@code document} is a seed registry: a {@code version} and {@code parameters}, no {@code schema_version}. */
    static boolean matches(final JsonNode document)
    {
        return document.isObject() && !document.has("schema_version") && document.has("version") &&
            document.path("parameters").isArray();
    }

    /**
     * The {@code metrics-dictionary/v1} document for a seed registry.
     *
     * @param warnings receives one line for each kind of default applied, naming the entries it applied to.
     */
    static ObjectNode toDictionary(final JsonNode registry, final List<String> warnings)
    {
        final ObjectNode dictionary = JsonNodeFactory.instance.objectNode();
        dictionary.put("schema_version", DictionaryReader.SCHEMA.toString());
        final String registryName = registry.path("name").asText("");
        final String name = dictionaryName(registryName);
        dictionary.put("name", name);
        warnings.add("read as a seed registry (version, name, parameters[]; no schema_version): dictionary name '" +
            name + "' made from '" + registryName + "'");
        if (!registryName.isBlank())
        {
            dictionary.put("title", registryName.length() <= 128 ? registryName : registryName.substring(0, 128));
        }
        dictionary.put("description", "Imported from a seed registry, version " + registry.path("version").asText());
        for (final Iterator<Map.Entry<String, JsonNode>> fields = registry.fields(); fields.hasNext(); )
        {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("version") && !field.getKey().equals("name") &&
                !field.getKey().equals("parameters"))
            {
                dictionary.set(field.getKey(), field.getValue()); // title, description, or a mistake the schema names
            }
        }

        final List<String> dimensionDefaulted = new ArrayList<>();
        final List<String> accessDefaulted = new ArrayList<>();
        final List<String> unitRespelled = new ArrayList<>();
        final JsonNode parameters = registry.path("parameters");
        for (int i = 0; i < parameters.size(); i++)
        {
            final JsonNode source = parameters.get(i);
            if (!source.isObject())
            {
                dictionary.withArray("parameters").add(source); // the schema reports it
                continue;
            }
            final ObjectNode entry = ((ObjectNode)source).deepCopy();
            final String where = "parameters[" + i + "] '" + entry.path("name").asText("?") + "'";
            final Unit unit = Unit.findIgnoringCase(entry.path("unit").asText(""));
            if (unit != null && !unit.symbol().equals(entry.path("unit").asText()))
            {
                unitRespelled.add(where + " " + entry.path("unit").asText() + " -> " + unit.symbol());
                entry.put("unit", unit.symbol());
            }
            if (!entry.has("dimension") && unit != null)
            {
                dimensionDefaulted.add(where + ": " + unit.dimension().symbol());
                entry.put("dimension", unit.dimension().symbol());
            }
            if (!entry.has("access"))
            {
                accessDefaulted.add(where);
                entry.put("access", AccessLevel.PUBLIC.symbol());
            }
            dictionary.withArray("parameters").add(entry);
        }
        warn(warnings, "unit written in another case, the vocabulary's spelling used", unitRespelled);
        warn(warnings, "no dimension, the unit's usual dimension assumed", dimensionDefaulted);
        warn(warnings, "no access level, public assumed", accessDefaulted);
        return dictionary;
    }

    /** A schema-valid dictionary name ({@code ^[a-z][a-z0-9_.-]{0,63}$}) made from a registry's display name. */
    static String dictionaryName(final String registryName)
    {
        final String slug = registryName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-")
            .replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        final String name = slug.isEmpty() ? "registry" : slug;
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    private static void warn(final List<String> warnings, final String what, final List<String> entries)
    {
        if (entries.isEmpty())
        {
            return;
        }
        final StringBuilder line = new StringBuilder(what).append(" for ").append(entries.size())
            .append(entries.size() == 1 ? " entry: " : " entries: ");
        line.append(String.join(", ", entries.subList(0, Math.min(LISTED_ENTRIES, entries.size()))));
        if (entries.size() > LISTED_ENTRIES)
        {
            line.append(" and ").append(entries.size() - LISTED_ENTRIES).append(" more");
        }
        warnings.add(line.toString());
    }
}
