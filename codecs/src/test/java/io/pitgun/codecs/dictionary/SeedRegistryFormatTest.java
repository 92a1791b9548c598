package io.pitgun.codecs.dictionary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's registry format ({@code registries/f1_generic.yaml}, seed 000) read as a dictionary, as written. */
class SeedRegistryFormatTest
{
    /** The file as seed 000 prints it, shipped in {@code datasets/registries}. */
    static final Path F1_GENERIC = Path.of("..", "datasets", "registries", "f1_generic.yaml");

    @TempDir
    Path dir;

    @Test
    void shouldReadTheSeedRegistryAsWrittenWithItsDefaultsAsWarnings()
    {
        final ParameterRegistry registry = ParameterRegistry.load(F1_GENERIC);

        assertEquals("f1-generic-registry", registry.name());
        assertEquals(2, registry.parameters().size());
        final ParameterDefinition rpm = registry.byName("Engine_RPM");
        assertEquals(1, rpm.id());
        assertEquals(Unit.RPM, rpm.unit());
        assertEquals(DataType.U16, rpm.dataType());
        assertEquals(0, rpm.min());
        assertEquals(15000, rpm.max());
        assertEquals(Dimension.ANGULAR_VELOCITY, rpm.dimension());
        assertEquals(AccessLevel.PUBLIC, rpm.access());
        final ParameterDefinition throttle = registry.byId(2);
        assertEquals("Throttle_Position", throttle.name());
        assertEquals(Unit.PERCENT, throttle.unit());
        assertEquals(DataType.F32, throttle.dataType());
        assertEquals(Dimension.RATIO, throttle.dimension());

        final String warnings = String.join("\n", registry.warnings());
        assertEquals(3, registry.warnings().size(), warnings);
        assertTrue(warnings.contains("read as a seed registry"), warnings);
        assertTrue(warnings.contains("no dimension, the unit's usual dimension assumed for 2 entries: " +
            "parameters[0] 'Engine_RPM': angular_velocity, parameters[1] 'Throttle_Position': ratio"), warnings);
        assertTrue(warnings.contains("no access level, public assumed for 2 entries"), warnings);
        assertEquals("metrics-dictionary/v1", registry.document().path("schema_version").asText());
        assertEquals("F1 Generic Registry", registry.document().path("title").asText());
    }

    @Test
    void shouldReadTheConvertedDocumentBackWithoutWarnings() throws IOException
    {
        final ParameterRegistry imported = ParameterRegistry.load(F1_GENERIC);
        final Path canonical = dir.resolve("f1.json");
        Files.writeString(canonical, imported.document().toString());

        final ParameterRegistry reread = ParameterRegistry.load(canonical);

        assertEquals(imported.parameters(), reread.parameters());
        assertEquals(imported.name(), reread.name());
        assertTrue(reread.warnings().isEmpty(), reread.warnings().toString());
    }

    @Test
    void shouldReadTheRegistryCopiedWithNoBreakSpacesAsTheSeedPrintsIt() throws IOException
    {
        final Path copied = dir.resolve("f1_generic.yaml");
        Files.writeString(copied, Files.readString(F1_GENERIC).replace("  ", "\u00A0 "));

        final ParameterRegistry registry = ParameterRegistry.load(copied);

        assertEquals(ParameterRegistry.load(F1_GENERIC).parameters(), registry.parameters());
        assertTrue(registry.warnings().get(0).startsWith("10 lines indented with no-break spaces"),
            registry.warnings().toString());
    }

    @Test
    void shouldStillReportWhatTheSchemaRefusesInARegistry() throws IOException
    {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, String.join("\n",
            "version: \"2\"",
            "name: \"Bad\"",
            "parameters:",
            "  - { id: 1, name: \"A\", unit: \"furlong\", data_type: u8, range: { min: 0, max: 10 } }",
            "  - { id: 2, name: \"B\", unit: \"RPM\", data_type: u8, range: { min: 0, max: 10 } }",
            ""));

        final DictionaryException ex = assertThrows(DictionaryException.class, () -> ParameterRegistry.load(file));

        final String problems = String.join("\n", ex.problems());
        assertTrue(problems.contains("parameters[0] 'A' field unit: does not have a value in the enumeration"),
            problems);
        assertTrue(problems.contains("parameters[0] 'A': required property 'dimension' not found"), problems);
        assertEquals(2, ex.problems().size(), problems);
    }

    @Test
    void shouldStillReportDuplicateIdsAndEmptyRangesInARegistry() throws IOException
    {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, String.join("\n",
            "version: \"2\"",
            "name: \"Bad\"",
            "parameters:",
            "  - { id: 1, name: \"A\", unit: \"rpm\", data_type: u8, range: { min: 0, max: 10 } }",
            "  - { id: 1, name: \"B\", unit: \"RPM\", data_type: u8, range: { min: 5, max: 1 } }",
            ""));

        final DictionaryException ex = assertThrows(DictionaryException.class, () -> ParameterRegistry.load(file));

        final String problems = String.join("\n", ex.problems());
        assertTrue(problems.contains("parameters[1] 'B': duplicate id 1"), problems);
        assertTrue(problems.contains("parameters[1] 'B': empty range"), problems);
    }

    @Test
    void shouldMakeASchemaValidNameFromADisplayName()
    {
        assertEquals("f1-generic-registry", SeedRegistryFormat.dictionaryName("F1 Generic Registry"));
        assertEquals("my_cars.v2", SeedRegistryFormat.dictionaryName("  2 My_Cars.v2 !"));
        assertEquals("registry", SeedRegistryFormat.dictionaryName("2024"));
        assertEquals(64, SeedRegistryFormat.dictionaryName("a".repeat(100)).length());
    }
}
