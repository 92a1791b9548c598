package io.pitgun.gateway;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The dictionary the gateway validates against, as the JSON documents {@code GET /dictionary} and
 * {@code GET /dictionary/{name}} serve: the validated document (for a seed registry, the converted one) written as
 * JSON once at start.
 */
final class DictionaryDocuments
{
    private final ParameterRegistry registry;
    private final String index;
    private final String document;

    DictionaryDocuments(final ParameterRegistry registry)
    {
        this.registry = registry;
        try
        {
            document = JsonMapper.builder().build().writeValueAsString(registry.document());
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
}
