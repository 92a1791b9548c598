package io.pitgun.schemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocumentReaderTest
{
    private static final String NL = System.lineSeparator();

    @Test
    void shouldLocateJsonValuesByPointer() throws DocumentException
    {
        final ParsedDocument document = json("""
            {
              "event_id": "abc",
              "payload": {
                "frames": [
                  {"sequence": 1, "samples": {"Engine_RPM": 8500, "a/b": true}}
                ]
              }
            }
            """);
        assertEquals(Optional.of(new TextLocation(1, 1)), document.locate(""));
        assertEquals(Optional.of(new TextLocation(2, 15)), document.locate("/event_id"));
        assertEquals(Optional.of(new TextLocation(4, 15)), document.locate("/payload/frames"));
        assertEquals(Optional.of(new TextLocation(5, 7)), document.locate("/payload/frames/0"));
        assertEquals(Optional.of(new TextLocation(5, 20)), document.locate("/payload/frames/0/sequence"));
        assertEquals(Optional.of(new TextLocation(5, 49)), document.locate("/payload/frames/0/samples/Engine_RPM"));
        assertEquals(Optional.of(new TextLocation(5, 62)), document.locate("/payload/frames/0/samples/a~1b"));
        assertEquals(Optional.empty(), document.locate("/payload/frames/1"));
        assertEquals(8500, document.root().at("/payload/frames/0/samples/Engine_RPM").intValue());
    }

    @Test
    void shouldLocateYamlValuesByPointer() throws DocumentException
    {
        final ParsedDocument document = yaml("""
            version: v1
            pipeline:
              - type: formula
                derived_channels:
                  - name: "Power_kW"
                    expr: "Torque_Nm * Engine_RPM / 9549.0"
              - type: filter
                whitelist: [Speed, Power_kW]
            """);
        assertEquals(Optional.of(new TextLocation(1, 10)), document.locate("/version"));
        assertEquals(Optional.of(new TextLocation(3, 5)), document.locate("/pipeline/0"));
        assertEquals(Optional.of(new TextLocation(5, 15)), document.locate("/pipeline/0/derived_channels/0/name"));
        assertEquals(Optional.of(new TextLocation(6, 15)), document.locate("/pipeline/0/derived_channels/0/expr"));
        assertEquals(Optional.of(new TextLocation(8, 24)), document.locate("/pipeline/1/whitelist/1"));
        assertEquals("Power_kW", document.root().at("/pipeline/1/whitelist/1").textValue());
    }

    @Test
    void shouldFallBackToNearestExistingAncestor() throws DocumentException
    {
        final ParsedDocument document = json("{\n  \"a\": {\n    \"b\": 1\n  }\n}");
        assertEquals(new TextLocation(2, 8), document.locateNearest("/a/missing/deeper"));
        assertEquals(new TextLocation(1, 1), document.locateNearest("/nothing"));
    }

    @Test
    void shouldRenderExcerptWithCaretUnderTheColumn() throws DocumentException
    {
        final ParsedDocument document = yaml("a: 1\nlimits:\n  max_engine_rpm: high\n");
        final TextLocation location = document.locate("/limits/max_engine_rpm").orElseThrow();
        assertEquals(new TextLocation(3, 19), location);
        assertEquals("  max_engine_rpm: high" + NL + "                  ^", document.excerpt(location));
    }

    @Test
    void shouldReportJsonSyntaxErrorWithLineColumnAndCaret()
    {
        final DocumentException ex = assertThrows(DocumentException.class, () -> json("{\n  \"a\": 1,\n  \"b\": }\n"));
        assertEquals(Optional.of(new TextLocation(3, 8)), ex.location());
        assertEquals("  \"b\": }", ex.sourceLine());
        assertEquals("       ^", ex.caretLine());
        assertTrue(ex.reason().startsWith("invalid JSON: "), ex.reason());
        assertTrue(ex.getMessage().startsWith("test.json:3:8: invalid JSON"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("  \"b\": }" + NL + "       ^"), ex.getMessage());
    }

    /** Jackson names where an unclosed array began in its internal form ("[Source: REDACTED (`StreamRead...`"). */
    @Test
    void shouldSayWhereAnUnclosedArrayWasOpenedAsAUserReadsIt()
    {
        final DocumentException ex = assertThrows(DocumentException.class, () -> json("{\"a\": [1, 2\n"));
        assertTrue(ex.reason().contains("(opened at line 1, column 7)"), ex.reason());
        assertFalse(ex.reason().contains("Source"), ex.reason());
    }

    @Test
    void shouldReportYamlSyntaxErrorAtSnakeYamlsMark()
    {
        final DocumentException ex = assertThrows(DocumentException.class, () -> yaml("a:\n\t- 1\n"));
        assertEquals(Optional.of(new TextLocation(2, 1)), ex.location());
        assertTrue(ex.reason().contains("TAB"), ex.reason());
        assertEquals("\t- 1", ex.sourceLine());
        assertTrue(!ex.reason().contains("\n"), "reason must be one line: " + ex.reason());
    }

    @Test
    void shouldRejectDuplicateYamlKeysInsteadOfOverwriting()
    {
        final DocumentException ex = assertThrows(DocumentException.class,
            () -> yaml("version: v1\nlimits:\n  max_engine_rpm: 15000\n  max_engine_rpm: 18000\n"));
        assertEquals(Optional.of(new TextLocation(4, 3)), ex.location());
        assertEquals("duplicate key 'max_engine_rpm' (first at 3:3)", ex.reason());
        assertEquals("  max_engine_rpm: 18000", ex.sourceLine());
        assertEquals("  ^", ex.caretLine());
    }

    @Test
    void shouldRejectDuplicateJsonKeys()
    {
        final DocumentException ex = assertThrows(DocumentException.class, () -> json("{\"ts\": 1,\n \"ts\": 2}"));
        assertEquals(Optional.of(new TextLocation(2, 2)), ex.location());
        assertTrue(ex.reason().contains("duplicate key 'ts'"), ex.reason());
    }

    @Test
    void shouldAllowTheSameKeyInDifferentObjects() throws DocumentException
    {
        final ParsedDocument document = yaml("a: { min: 0 }\nb: { min: 1 }\n");
        assertEquals(1, document.root().at("/b/min").intValue());
    }

    @Test
    void shouldRejectYamlAliasesRatherThanReadThemAsStrings()
    {
        final DocumentException ex = assertThrows(DocumentException.class, () -> yaml("base: &b 1\nother: *b\n"));
        assertEquals(Optional.of(new TextLocation(2, 8)), ex.location());
        assertTrue(ex.reason().contains("alias"), ex.reason());
    }

    @Test
    void shouldRejectEmptyAndMultiDocumentFiles()
    {
        assertEquals("the document is empty", assertThrows(DocumentException.class, () -> yaml("# only a comment\n")).reason());
        final DocumentException multi = assertThrows(DocumentException.class, () -> yaml("a: 1\n---\nb: 2\n"));
        assertEquals(Optional.of(new TextLocation(3, 1)), multi.location());
        assertTrue(multi.reason().contains("one YAML document"), multi.reason());
        final DocumentException trailing = assertThrows(DocumentException.class, () -> json("{} []"));
        assertEquals(Optional.of(new TextLocation(1, 4)), trailing.location());
    }

    @Test
    void shouldReadFilesByExtension(@TempDir final Path dir) throws IOException, DocumentException
    {
        final Path yml = dir.resolve("policy.yml");
        Files.writeString(yml, "version: v1\n", StandardCharsets.UTF_8);
        assertEquals(DocumentFormat.YAML, DocumentReader.read(yml).format());
        assertEquals(yml, DocumentReader.read(yml).path());

        final Path json = dir.resolve("envelope.JSON");
        Files.writeString(json, "\uFEFF{\"a\": [1, 2.5, true, null]}", StandardCharsets.UTF_8);
        final ParsedDocument document = DocumentReader.read(json);
        assertEquals(DocumentFormat.JSON, document.format());
        assertEquals(2.5, document.root().at("/a/1").doubleValue());
        assertEquals(Optional.of(new TextLocation(1, 8)), document.locate("/a/0"));

        final Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "{}", StandardCharsets.UTF_8);
        final DocumentException wrongExtension = assertThrows(DocumentException.class, () -> DocumentReader.read(txt));
        assertTrue(wrongExtension.getMessage().contains(".json, .yaml or .yml"), wrongExtension.getMessage());
        assertEquals(Optional.empty(), wrongExtension.location());

        final DocumentException missing = assertThrows(DocumentException.class, () -> DocumentReader.read(dir.resolve("nope.yaml")));
        assertEquals("file not found", missing.reason());
    }

    @Test
    void shouldKeepLargeIntegersExact() throws DocumentException
    {
        final ParsedDocument document = json("{\"max\": 9223372036854775807, \"big\": 18446744073709551616}");
        assertEquals(Long.MAX_VALUE, document.root().get("max").longValue());
        assertEquals("18446744073709551616", document.root().get("big").bigIntegerValue().toString());
    }

    private static ParsedDocument json(final String text) throws DocumentException
    {
        return DocumentReader.parse(Path.of("test.json"), text, DocumentFormat.JSON);
    }

    private static ParsedDocument yaml(final String text) throws DocumentException
    {
        return DocumentReader.parse(Path.of("test.yaml"), text, DocumentFormat.YAML);
    }
}
