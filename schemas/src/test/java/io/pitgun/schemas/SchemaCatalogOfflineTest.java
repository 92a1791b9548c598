package io.pitgun.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A catalog resolves {@code https://pitgun.io/schemas/...} from its own resources and refuses every
 * other remote reference instead of fetching it.
 */
class SchemaCatalogOfflineTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldResolvePitgunReferencesFromResourcesAndRefuseRemoteOnes(@TempDir final Path dir) throws IOException
    {
        write(dir, "schemas/index.txt", "# test catalog\n\ndemo-ref/v1\ndemo-uuid/v1\ndemo-remote/v1\n");
        write(dir, "schemas/demo-uuid/v1.json", """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://pitgun.io/schemas/demo-uuid/v1",
             "type": "string", "format": "uuid"}
            """);
        write(dir, "schemas/demo-ref/v1.json", """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://pitgun.io/schemas/demo-ref/v1",
             "type": "object", "properties": {"id": {"$ref": "https://pitgun.io/schemas/demo-uuid/v1"}}}
            """);
        write(dir, "schemas/demo-remote/v1.json", """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://pitgun.io/schemas/demo-remote/v1",
             "$ref": "https://example.invalid/elsewhere.json"}
            """);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null))
        {
            final SchemaCatalog catalog = SchemaCatalog.load(loader);
            assertEquals(List.of("demo-ref/v1", "demo-uuid/v1", "demo-remote/v1"),
                catalog.ids().stream().map(SchemaId::toString).toList());

            final List<SchemaProblem> problems = catalog.validate(SchemaId.parse("demo-ref/v1"), JSON.readTree("{\"id\": \"nope\"}"));
            assertEquals(1, problems.size(), problems::toString);
            assertEquals("/id", problems.get(0).pointer());
            assertEquals("format", problems.get(0).keyword());

            final RuntimeException refused = assertThrows(RuntimeException.class,
                () -> catalog.validate(SchemaId.parse("demo-remote/v1"), JSON.readTree("{}")));
            assertTrue(String.valueOf(refused.getMessage()).contains("example.invalid"), String.valueOf(refused.getMessage()));
        }
    }

    @Test
    void shouldRejectAnIndexNamingAMissingSchema(@TempDir final Path dir) throws IOException
    {
        write(dir, "schemas/index.txt", "ghost/v1\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SchemaCatalog.load(loader));
            assertEquals("missing class path resource schemas/ghost/v1.json", ex.getMessage());
        }
    }

    @Test
    void shouldRejectAMalformedIndexLineWithItsLineNumber(@TempDir final Path dir) throws IOException
    {
        write(dir, "schemas/index.txt", "# header\nPitgun Envelope v1\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SchemaCatalog.load(loader));
            assertTrue(ex.getMessage().startsWith("schemas/index.txt:2: "), ex.getMessage());
        }
    }

    private static void write(final Path dir, final String resource, final String text) throws IOException
    {
        final Path file = dir.resolve(resource);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
