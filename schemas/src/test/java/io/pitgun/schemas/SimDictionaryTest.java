package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped canonical dictionary {@code dictionaries/sim.v1.yaml}: valid, complete, consistent,
 * faithful to seed 000, and the envelope examples only use its channels.
 */
class SimDictionaryTest
{
    private static final SchemaId METRICS_DICTIONARY = SchemaId.parse("metrics-dictionary/v1");
    private static final String[] CORNERS = {"FL", "FR", "RL", "RR"};

    private static ParsedDocument dictionary;
    private static Map<String, JsonNode> byName;

    @BeforeAll
    static void load() throws DocumentException
    {
        dictionary = DocumentReader.readResource("dictionaries/sim.v1.yaml");
        byName = new HashMap<>();
        for (final JsonNode parameter : dictionary.root().path("parameters"))
        {
            byName.put(parameter.path("name").asText(), parameter);
        }
    }

    @Test
    void shouldBeValidAgainstMetricsDictionarySchema()
    {
        assertEquals(List.of(), SchemaCatalog.standard().validate(METRICS_DICTIONARY, dictionary.root()));
        assertEquals("sim.v1", dictionary.root().path("name").asText());
        assertEquals(Optional.of(METRICS_DICTIONARY), ContractDetector.detect(dictionary.root()));
    }

    @Test
    void shouldHaveAtLeast45ParametersWithDenseUniqueIdsAndUniqueNames()
    {
        final JsonNode parameters = dictionary.root().path("parameters");
        assertTrue(parameters.size() >= 45, "sim.v1 has only " + parameters.size() + " parameters");
        final Set<String> names = new HashSet<>();
        final Set<String> lowerCaseNames = new HashSet<>();
        int expectedId = 1;
        for (final JsonNode parameter : parameters)
        {
            final String name = parameter.path("name").asText();
            assertEquals(expectedId, parameter.path("id").asInt(), "ids must run 1, 2, 3, ... without gaps; at " + name);
            assertTrue(names.add(name), "duplicate name " + name);
            assertTrue(lowerCaseNames.add(name.toLowerCase(java.util.Locale.ROOT)), "names differing only in case: " + name);
            expectedId++;
        }
    }

    @Test
    void shouldKeepTheSeedChannelsAndIds()
    {
        assertSeedChannel("Engine_RPM", 1, "rpm", "u16", 0, 15000);
        assertSeedChannel("Throttle_Position", 2, "%", "f32", 0, 100);
        assertSeedChannel("Speed", 3, "km/h", null, null, null);
        assertSeedChannel("Torque_Nm", 4, "Nm", null, null, null);
        assertSeedChannel("LapTime", 5, "s", null, null, null);
    }

    @Test
    void shouldHaveRangesWithMinNotAboveMax()
    {
        for (final JsonNode parameter : dictionary.root().path("parameters"))
        {
            final JsonNode range = parameter.get("range");
            if (range != null)
            {
                assertTrue(range.path("min").asDouble() <= range.path("max").asDouble(), "range of " + parameter.path("name"));
            }
        }
    }

    @Test
    void shouldCoverEveryCornerOfEveryPerCornerChannel()
    {
        for (final String group : List.of(
            "Tyre_Surface_Temp", "Tyre_Inner_Temp", "Tyre_Pressure", "Tyre_Wear", "Brake_Temp", "Suspension_Travel", "Wheel_Speed"))
        {
            for (final String corner : CORNERS)
            {
                assertNotNull(byName.get(group + "_" + corner), "missing " + group + "_" + corner);
            }
        }
    }

    @Test
    void shouldConvertRawKelvinAndPsiWhereProducersSendThem()
    {
        final JsonNode tyrePressure = byName.get("Tyre_Pressure_FL").path("conversion");
        assertEquals("psi", tyrePressure.path("raw_unit").asText());
        assertEquals(6.894757, tyrePressure.path("scale").asDouble(), 1e-9);
        final JsonNode brakeTemp = byName.get("Brake_Temp_RR").path("conversion");
        assertEquals("K", brakeTemp.path("raw_unit").asText());
        assertEquals(-273.15, brakeTemp.path("offset").asDouble(), 1e-9);
    }

    @Test
    void shouldUseEveryAccessLevel()
    {
        final Set<String> levels = new HashSet<>();
        dictionary.root().path("parameters").forEach(parameter -> levels.add(parameter.path("access").asText()));
        assertEquals(Set.of("public", "internal", "restricted"), levels);
    }

    @Test
    void envelopeExamplesShouldOnlyUseSimChannelsWithinRange() throws Exception
    {
        final Path validDir = ExampleFiles.examplesRoot().resolve("pitgun-envelope/v1/valid");
        final List<Path> files = ExampleFiles.documents(validDir);
        assertFalse(files.isEmpty(), "no envelope examples in " + validDir);
        final List<String> problems = new ArrayList<>();
        for (final Path file : files)
        {
            final ParsedDocument envelope = DocumentReader.read(file);
            int frameIndex = 0;
            for (final JsonNode frame : envelope.root().path("payload").path("frames"))
            {
                for (final Map.Entry<String, JsonNode> sample : frame.path("samples").properties())
                {
                    final String where = file.getFileName() + " /payload/frames/" + frameIndex + "/samples/" + sample.getKey();
                    checkSample(where, byName.get(sample.getKey()), sample.getValue(), problems);
                }
                frameIndex++;
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldKeepTheUnitAndDimensionVocabulariesExact() throws IOException
    {
        final JsonNode schema = new ObjectMapper().readTree(SchemaCatalog.standard().schemaText(METRICS_DICTIONARY));
        assertEquals(List.of("1", "%", "bool", "count", "rpm", "km/h", "m/s", "mph", "m/s^2", "g", "m", "km", "mm", "s", "ms",
            "us", "degC", "K", "degF", "kPa", "bar", "psi", "kg", "lb", "N", "Nm", "W", "kW", "J", "kJ", "MJ", "deg", "rad",
            "deg/s", "rad/s", "V", "A", "L"), texts(schema.path("$defs").path("unit").path("enum")));
        assertEquals(List.of("dimensionless", "ratio", "boolean", "count", "angular_velocity", "velocity", "acceleration",
            "length", "time", "temperature", "pressure", "mass", "force", "torque", "power", "energy", "angle",
            "angular_rate", "voltage", "current", "volume", "position"), texts(schema.path("$defs").path("dimension").path("enum")));
    }

    private static void checkSample(final String where, final JsonNode parameter, final JsonNode value, final List<String> problems)
    {
        if (parameter == null)
        {
            problems.add(where + ": not a sim.v1 channel");
            return;
        }
        final boolean isBool = "bool".equals(parameter.path("data_type").asText());
        if (isBool != value.isBoolean())
        {
            problems.add(where + ": " + value + " does not match data_type " + parameter.path("data_type").asText());
            return;
        }
        final JsonNode range = parameter.get("range");
        if (range != null && (value.asDouble() < range.path("min").asDouble() || value.asDouble() > range.path("max").asDouble()))
        {
            problems.add(where + ": " + value + " outside " + range);
        }
    }

    private static void assertSeedChannel(
        final String name, final int id, final String unit, final String dataType, final Integer min, final Integer max)
    {
        final JsonNode parameter = byName.get(name);
        assertNotNull(parameter, "seed channel " + name + " missing");
        assertEquals(id, parameter.path("id").asInt(), "id of " + name);
        assertEquals(unit, parameter.path("unit").asText(), "unit of " + name);
        if (dataType != null)
        {
            assertEquals(dataType, parameter.path("data_type").asText(), "data_type of " + name);
            assertEquals(min.doubleValue(), parameter.path("range").path("min").asDouble(), "range.min of " + name);
            assertEquals(max.doubleValue(), parameter.path("range").path("max").asDouble(), "range.max of " + name);
        }
    }

    private static List<String> texts(final JsonNode array)
    {
        final List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.asText()));
        return result;
    }
}
