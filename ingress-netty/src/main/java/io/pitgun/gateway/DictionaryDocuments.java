package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The dictionary the gateway validates against, as the JSON documents {@code GET /dictionary} and
 * {@code GET /dictionary/{name}} serve: the source document (YAML or JSON) converted to JSON once at start.
 */
final class DictionaryDocuments
{
    private final ParameterRegistry registry;
    private final String index;
    private final String document;

    DictionaryDocuments(final ParameterRegistry registry, final Optional<Path> source)
    {
        this.registry = registry;
        final byte[] bytes;
        final boolean yaml;
        try
        {
            if (source.isPresent())
            {
                bytes = Files.readAllBytes(source.get());
                yaml = !source.get().toString().endsWith(".json");
            }
            else
            {
                try (InputStream in = ParameterRegistry.class.getClassLoader()
                    .getResourceAsStream(ParameterRegistry.SIM_V1_RESOURCE))
                {
                    bytes = in == null ? new byte[0] : in.readAllBytes();
                }
                yaml = true;
            }
            final JsonNode tree = yaml ? new YAMLMapper().readTree(bytes) : JsonMapper.builder().build().readTree(bytes);
            document = JsonMapper.builder().build().writeValueAsString(tree);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the dictionary document: " + ex.getMessage(), ex);
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
