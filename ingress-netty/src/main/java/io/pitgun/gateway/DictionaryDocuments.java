package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The dictionary the gateway validates against, as the JSON documents {@code GET /dictionary},
 * {@code GET /dictionary/{name}} (also at the seed's {@code /schemas/metrics-dictionary/{name}}) and
 * {@code GET /dictionary/{channel}} serve: the validated document (for a seed registry, the converted one) and each
 * of its channel entries, written as JSON once at start.
 */
final class DictionaryDocuments
{
    private final ParameterRegistry registry;
    private final String index;
    private final String document;
    /** Each channel's entry, by its name in lower case (names are unique case-insensitively). */
    private final Map<String, String> channels = new HashMap<>();

    DictionaryDocuments(final ParameterRegistry registry)
    {
        this.registry = registry;
        final JsonMapper mapper = JsonMapper.builder().build();
        final JsonNode tree = registry.document();
        try
        {
            document = mapper.writeValueAsString(tree);
            for (final JsonNode entry : tree.path("parameters"))
            {
                channels.put(entry.path("name").asText().toLowerCase(Locale.ROOT), mapper.writeValueAsString(entry));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the dictionary document: " + ex.getMessage(), ex);
        }
        final StringBuilder out = new StringBuilder(128).append('{');
        JsonText.key(out, "dictionaries").append("[{");
        JsonText.key(out, "name");
        JsonText.quote(out, registry.name()).append(',');
        JsonText.key(out, "channels").append(registry.parameters().size()).append(',');
        JsonText.key(out, "href");
        JsonText.quote(out, "/dictionary/" + registry.name());
        index = out.append("}]}").toString();
    }

    String name()
    {
        return registry.name();
    }

    String index()
    {
        return index;
    }

    /** The document for {@code name}, or null. */
    String document(final String name)
    {
        return registry.name().equals(name) ? document : null;
    }

    /** The entry of the channel named {@code name} (any case), or null. */
    String channel(final String name)
    {
        return channels.get(name.toLowerCase(Locale.ROOT));
    }

    /** Up to three channel names near {@code name}, for a 404's hint. */
    String suggestions(final String name)
    {
        return String.join(", ", registry.suggest(name, 3));
    }
}
