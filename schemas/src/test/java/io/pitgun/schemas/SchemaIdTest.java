package io.pitgun.schemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaIdTest
{
    @Test
    void shouldParseAndPrintNameSlashVersion()
    {
        final SchemaId id = SchemaId.parse("pitgun-envelope/v1");
        assertEquals("pitgun-envelope", id.name());
        assertEquals("v1", id.version());
        assertEquals("pitgun-envelope/v1", id.toString());
        assertEquals(URI.create("https://pitgun.io/schemas/pitgun-envelope/v1"), id.uri());
        assertEquals("schemas/pitgun-envelope/v1.json", id.resourcePath());
        assertEquals(id, SchemaId.parse(id.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "pitgun-envelope", "pitgun-envelope-v1", "a/b/c", "Pitgun/v1", "pitgun/1", "pitgun/v0", "/v1", "x/"})
    void shouldRejectMalformedIds(final String text)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> SchemaId.parse(text));
        assertTrue(ex.getMessage().startsWith("schema "), ex.getMessage());
    }
}
