package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaCatalogTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaId ENVELOPE = SchemaId.parse("pitgun-envelope/v1");

    private final SchemaCatalog catalog = SchemaCatalog.standard();

    @TestFactory
    List<DynamicTest> everySchemaHasItsIdAndDraft202012()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final SchemaId id : catalog.ids())
        {
            tests.add(DynamicTest.dynamicTest(id.toString(), () ->
            {
                final JsonNode schema = JSON.readTree(catalog.schemaText(id));
                assertEquals("https://pitgun.io/schemas/" + id, schema.path("$id").asText(), "$id of " + id);
                assertEquals(SchemaCatalog.DRAFT_2020_12, schema.path("$schema").asText(), "$schema of " + id);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everySchemaIsValidAgainstTheDraft202012MetaSchema()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final SchemaId id : catalog.ids())
        {
            tests.add(DynamicTest.dynamicTest(id.toString(), () -> assertEquals(
                List.of(), catalog.validateAgainstMetaSchema(JSON.readTree(catalog.schemaText(id))), id.toString())));
        }
        return tests;
    }

    @Test
    void shouldListEverySchemaFileOnDiskInTheIndex() throws IOException
    {
        final Path schemasDir = ExampleFiles.resourcesRoot().resolve("schemas");
        try (Stream<Path> files = Files.walk(schemasDir))
        {
            files.filter(path -> path.toString().endsWith(".json")).forEach(path ->
            {
                final Path relative = schemasDir.relativize(path);
                final SchemaId id = new SchemaId(
                    relative.getParent().toString(), relative.getFileName().toString().replaceFirst("\\.json$", ""));
                assertTrue(catalog.contains(id), path + " is not listed in schemas/index.txt");
            });
        }
    }

    @Test
    void shouldRejectMetaSchemaViolations() throws IOException
    {
        final List<SchemaProblem> problems = catalog.validateAgainstMetaSchema(
            JSON.readTree("{\"type\": \"text\", \"minItems\": -1}"));
        assertTrue(problems.stream().anyMatch(p -> p.pointer().equals("/type")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.pointer().equals("/minItems")), problems::toString);
    }

    @Test
    void shouldAssertDateTimeFormatBeyondThePattern() throws IOException
    {
        // 30 February passes the pattern; only the date-time format assertion catches it.
        final ObjectNode envelope = sessionStart();
        envelope.put("ts", "2026-02-30T10:00:00Z");
        final List<SchemaProblem> problems = catalog.validate(ENVELOPE, envelope);
        assertEquals(List.of("format"), problems.stream().map(SchemaProblem::keyword).toList(), problems::toString);
        assertEquals("/ts", problems.get(0).pointer());
    }

    @Test
    void shouldReportMissingRequiredPropertyAtItsObjectAndNameIt() throws IOException
    {
        final ObjectNode envelope = sessionStart();
        envelope.remove("player_id");
        final List<SchemaProblem> problems = catalog.validate(ENVELOPE, envelope);
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("", problems.get(0).pointer());
        assertEquals("required", problems.get(0).keyword());
        assertTrue(problems.get(0).message().contains("player_id"), problems.get(0).message());
    }

    @Test
    void shouldPointAtTheUnexpectedMemberWithEscapedPointer() throws IOException
    {
        final ObjectNode envelope = sessionStart();
        envelope.put("a/b~c", 1);
        final List<SchemaProblem> problems = catalog.validate(ENVELOPE, envelope);
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("/a~1b~0c", problems.get(0).pointer());
        assertEquals("additionalProperties", problems.get(0).keyword());
    }

    @Test
    void shouldSayAForbiddenMemberIsNotAllowed() throws DocumentException
    {
        final ParsedDocument dictionary = DocumentReader.parse(Path.of("d.yaml"), """
            schema_version: metrics-dictionary/v1
            name: t
            parameters:
              - { id: 1, name: DRS_Open, unit: bool, data_type: bool, dimension: boolean, access: public,
                  range: { min: 0, max: 1 } }
            """, DocumentFormat.YAML);
        final List<SchemaProblem> problems = catalog.validate(SchemaId.parse("metrics-dictionary/v1"), dictionary.root());
        assertEquals(List.of(new SchemaProblem("/parameters/0/range", "false", "'range' is not allowed here")), problems);
        assertEquals(new TextLocation(5, 14), dictionary.locate("/parameters/0/range").orElseThrow());
    }

    @Test
    void shouldAcceptAValidDocument() throws IOException
    {
        assertEquals(List.of(), catalog.validate(ENVELOPE, sessionStart()));
    }

    @Test
    void shouldRejectUnknownSchemaIdNamingTheKnownOnes()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> catalog.validate(SchemaId.parse("no-such-schema/v1"), JSON.createObjectNode()));
        assertTrue(ex.getMessage().contains("no-such-schema/v1") && ex.getMessage().contains("pitgun-envelope/v1"),
            ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> catalog.schemaText(SchemaId.parse("no-such-schema/v1")));
    }

    @Test
    void shouldLoadEachSchemaOnceAndKeepIndexOrder()
    {
        assertTrue(catalog == SchemaCatalog.standard(), "standard() must return the cached catalog");
        assertEquals(ENVELOPE, catalog.ids().iterator().next(), "index order: the envelope is listed first");
    }

    private static ObjectNode sessionStart() throws IOException
    {
        return (ObjectNode)JSON.readTree("""
            {
              "schema_version": "pitgun-envelope-v1",
              "event_id": "0c5e8f7a-1d2b-4c3e-8f9a-6b7c8d9e0f1a",
              "ts": "2026-04-11T12:30:00Z",
              "player_id": "7d16dde5-88a6-4b47-8cd8-c711601cd61f",
              "session_id": "53702b3e-3e56-41a2-8834-9169ee5e991e",
              "event_type": "session.start",
              "payload": { "timestamp_us": 1775910600000000 }
            }
            """);
    }
}
