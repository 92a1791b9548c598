package io.pitgun.codecs.dictionary;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterRegistryTest
{
    private static final String HEADER = "schema_version: metrics-dictionary/v1\nname: test.v1\ntitle: Test\n" +
        "description: test dictionary\nparameters:\n";

    @TempDir
    Path dir;

    @Test
    void shouldLoadSimV1WithTheSeedChannels()
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        assertEquals("sim.v1", registry.name());
        assertTrue(registry.parameters().size() >= 45, "sim.v1 has " + registry.parameters().size() + " channels");

        final ParameterDefinition rpm = registry.byId(1);
        assertEquals("Engine_RPM", rpm.name());
        assertEquals(Unit.RPM, rpm.unit());
        assertEquals(DataType.U16, rpm.dataType());
        assertEquals(0.0, rpm.min());
        assertEquals(15_000.0, rpm.max());
        assertEquals(2, registry.byName("Throttle_Position").id());
        assertEquals(100.0, registry.byName("Throttle_Position").max());
        assertNotNull(registry.byName("Speed"));
        assertNotNull(registry.byName("Torque_Nm"));
        assertNotNull(registry.byName("LapTime"));
    }

    @Test
    void shouldFindNamesInBuffersAndCharSequences()
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        final byte[] bytes = "xxEngine_RPMyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, registry.idOf(new UnsafeBuffer(bytes), 2, 10));
        assertEquals(ChannelNameIndex.MISSING, registry.idOf(new UnsafeBuffer(bytes), 2, 9));
        assertEquals(1, registry.byName(new StringBuilder("Engine_RPM")).id());
        assertNull(registry.byName("engine_rpm"));
        assertNull(registry.byId(0));
        assertNull(registry.byId(70_000));
        for (final ParameterDefinition definition : registry.parameters())
        {
            assertEquals(definition, registry.byName(definition.name()));
            assertEquals(definition, registry.byId(definition.id()));
        }
    }

    @Test
    void shouldSuggestNearestNamesForTyposAndSeparatorVariants()
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        assertEquals("Engine_RPM", registry.suggest("Engine_RMP", 3).get(0));
        assertEquals("Engine_RPM", registry.suggest("engine-rpm", 3).get(0));
        assertTrue(registry.suggest("Completely_Unrelated_Name", 3).isEmpty());
    }

    @Test
    void shouldRejectDuplicateIdNamingBothEntries() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "Engine_RPM", "rpm", "u16", "0", "15000") + entry(1, "Speed", "km/h", "f32", "0", "400")));
        assertEquals(1, ex.problems().size());
        assertTrue(ex.problems().get(0).contains("parameters[1] 'Speed': duplicate id 1 (already used by 'Engine_RPM')"),
            ex.problems().get(0));
    }

    @Test
    void shouldRejectDuplicateNameIgnoringCase() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "Speed", "km/h", "f32", "0", "400") + entry(2, "SPEED", "km/h", "f32", "0", "400")));
        assertTrue(ex.problems().get(0).matches("\\d+:\\d+: parameters\\[1] 'SPEED': duplicate name.*"),
            ex.problems().get(0));
    }

    @Test
    void shouldRejectUnknownUnitNamingTheEntry() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "Speed", "furlongs/fortnight", "f32", "0", "400")));
        assertTrue(ex.problems().stream().anyMatch(p -> p.matches("\\d+:\\d+: parameters\\[0] 'Speed' field unit.*")),
            String.join("\n", ex.problems()));
    }

    @Test
    void shouldRejectEmptyRange() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(7, "Gear", "count", "i8", "8", "-1")));
        assertTrue(ex.problems().get(0).matches("\\d+:\\d+: parameters\\[0] 'Gear': empty range, min 8 > max -1"),
            ex.problems().get(0));
    }

    /**
     * An integer channel's values are compared with its bounds exactly, and the bounds are kept as doubles: a bound a
     * double does not hold (read as 10^18 for 10^18 + 1) refused the very value it names, so it is refused here.
     */
    @Test
    void shouldRejectAnIntegerBoundADoubleDoesNotHold() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "Big", "1", "i64", "0", "1000000000000000001")));
        assertTrue(ex.problems().get(0).contains("'Big': range max 1000000000000000001 is not a number a double " +
            "holds exactly"), ex.problems().get(0));
        assertEquals(1_000_000_000_000_000_000L, load(entry(1, "Big", "1", "i64", "-1000000000000000000",
            "1000000000000000000")).byId(1).maxWhole());
        // A type's own limits, which no double holds either, saturate to themselves: exact enough.
        final ParameterDefinition full = load(entry(1, "Full", "1", "i64", "-9223372036854775808",
            "9223372036854775807")).byId(1);
        assertEquals(Long.MIN_VALUE, full.minWhole());
        assertEquals(Long.MAX_VALUE, full.maxWhole());
        assertThrows(DictionaryException.class, () -> load(entry(1, "Big", "1", "i64", "0", "999999999999999999")),
            "read as 10^18, it would admit 10^18");
    }

    @Test
    void shouldRejectRangeTheDataTypeCannotHold() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "Engine_RPM", "rpm", "u8", "0", "15000")));
        // The schema bounds each integer type's range; the registry re-checks in case a schema is loosened.
        assertTrue(ex.problems().get(0).matches("\\d+:\\d+: parameters\\[0] 'Engine_RPM' field range/max.*"),
            ex.problems().get(0));
    }

    @Test
    void shouldReportEveryProblemAtOnce() throws IOException
    {
        final DictionaryException ex = assertThrows(DictionaryException.class, () -> load(
            entry(1, "A", "rpm", "u16", "5", "1") + entry(1, "B", "rpm", "u16", "0", "1")));
        assertEquals(2, ex.problems().size(), String.join("\n", ex.problems()));
    }

    @Test
    void shouldApplyConversionFromRawUnit() throws IOException
    {
        final ParameterRegistry registry = load(entry(1, "Tyre_Temp", "degC", "f32", "-40", "200") +
            "    conversion: { raw_unit: K, scale: 1.0, offset: -273.15 }\n");
        final Conversion conversion = registry.byId(1).conversion();
        assertEquals(Unit.KELVIN, conversion.rawUnit());
        assertEquals(26.850000000000023, conversion.toEngineering(300.0));
        assertEquals(300.0, conversion.toRaw(conversion.toEngineering(300.0)), 1e-9);
    }

    /**
     * The shipped names mean the shipped channels: a classpath copy of sim.v1 with fewer channels is refused as a
     * file is (loadResource took it before: an embedder's pipeline journaled under sim.v1 what the tools then read
     * with the shipped levels), while a copy that says the same in other words is accepted: another description,
     * {@code -0.0} for 0, a conversion of scale 1 and offset 0 naming a raw unit.
     */
    @Test
    void shouldHoldShippedNamesToTheShippedMeaningWhereverADictionaryIsLoaded() throws IOException
    {
        final DictionaryException cut = assertThrows(DictionaryException.class,
            () -> ParameterRegistry.loadResource("dictionaries-test/sim-v1-one-channel.yaml"));
        assertTrue(cut.getMessage().contains("name 'sim.v1' is that of the dictionary shipped with Pitgun, but it " +
            "has no channel 2 'Throttle_Position'"), cut.getMessage());

        final String shipped;
        try (java.io.InputStream in = ParameterRegistry.class.getClassLoader()
            .getResourceAsStream(ParameterRegistry.SIM_V1_RESOURCE))
        {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final Path same = dir.resolve("same.yaml");
        Files.writeString(same, shipped.replace("description: Crankshaft rotational speed.",
                "description: Another sentence.\n    conversion: { raw_unit: rpm, scale: 1, offset: 0 }")
            .replace("range: { min: 0, max: 15000 }", "range: { min: -0.0, max: 15000.0 }"));
        assertEquals("sim.v1", ParameterRegistry.load(same).name());

        final Path other = dir.resolve("other.yaml");
        Files.writeString(other, shipped.replace("range: { min: 0, max: 15000 }", "range: { min: 0, max: 16000 }"));
        final DictionaryException wider = assertThrows(DictionaryException.class, () -> ParameterRegistry.load(other));
        assertTrue(wider.getMessage().contains("its channel 1 'Engine_RPM' has max 16000.0, not the shipped 15000.0"),
            wider.getMessage());
    }

    /**
     * The meaning digest a journal records: the same for a dictionary said in other words (description, {@code -0.0},
     * an identity conversion, channels listed in another order, another name), another for any change in what a
     * channel means (its access level, its range).
     */
    @Test
    void shouldDigestWhatTheChannelsMeanAndNothingElse() throws IOException
    {
        final String one = entry(1, "Speed", "km/h", "f64", "0", "400");
        final String two = entry(2, "Gear", "1", "i8", "-1", "8");
        final String digest = load(one + two).meaningSha256Hex();
        assertTrue(digest.matches("[0-9a-f]{64}"), digest);

        assertEquals(digest, load(two + one.replace("description: test", "description: another")).meaningSha256Hex());
        assertEquals(digest, load(one.replace("min: 0,", "min: -0.0,") + two).meaningSha256Hex());
        assertEquals(digest, load(one.replace("    access: public\n", "    access: public\n    conversion: " +
            "{ raw_unit: m/s, scale: 1, offset: 0 }\n") + two).meaningSha256Hex());
        final Path renamed = dir.resolve("renamed.yaml");
        Files.writeString(renamed, (HEADER + one + two).replace("name: test.v1", "name: other.v1"));
        assertEquals(digest, ParameterRegistry.load(renamed).meaningSha256Hex());

        assertNotEquals(digest, load(one.replace("access: public", "access: restricted") + two).meaningSha256Hex());
        assertNotEquals(digest, load(one.replace("max: 400", "max: 401") + two).meaningSha256Hex());
        assertNotEquals(digest, load(one + two.replace("id: 2", "id: 3")).meaningSha256Hex());
        assertNotEquals(digest, load(one).meaningSha256Hex());
    }

    /**
     * The shipped dictionaries' meanings are fixed: journals record them, and the tools read a journal written with
     * {@code sim.v1} by this build's {@code sim.v1} only when the two match. A change here makes every journal written
     * before unreadable without {@code --dictionary FILE}: give the changed dictionary a new name ({@code sim.v2})
     * instead of changing this digest.
     */
    @Test
    void shouldKeepTheShippedDictionariesMeaningUnderTheirNames()
    {
        assertEquals("67cf5df6c755aaf8cb17cacbd8bdb1d167e000d77b948adb317de58a7508e0d3",
            ParameterRegistry.simV1().meaningSha256Hex());
        assertEquals("c75a33b6da077b492b9388bb452ba032b17fdfe060a716e055e7e46587f786bc",
            ParameterRegistry.shipped("f1-25.v1").orElseThrow().meaningSha256Hex());
    }

    private ParameterRegistry load(final String entries) throws IOException
    {
        final Path file = dir.resolve("dictionary.yaml");
        Files.writeString(file, HEADER + entries);
        return ParameterRegistry.load(file);
    }

    private static String entry(
        final int id, final String name, final String unit, final String type, final String min, final String max)
    {
        return "  - id: " + id + "\n    name: " + name + "\n    unit: \"" + unit + "\"\n    data_type: " + type +
            "\n    range: { min: " + min + ", max: " + max + " }\n    dimension: dimensionless\n" +
            "    access: public\n    description: test\n";
    }
}
