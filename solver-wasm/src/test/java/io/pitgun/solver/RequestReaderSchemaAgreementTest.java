package io.pitgun.solver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The solver page (RequestReader, compiled into the WebAssembly module) must refuse exactly what
 * {@code pitgun solve} refuses: the CLI reads the document ({@code DocumentReader}), validates it against
 * {@code risk-analysis-request/v1} and then runs the same RequestReader. So whatever the document reader or the
 * schema refuses, RequestReader must refuse too, and must not refuse what both accept except for the rules a
 * schema cannot state. Checked over the schema's example documents and hostile variants of them.
 */
class RequestReaderSchemaAgreementTest
{
    private static final Path EXAMPLES = Path.of("../schemas/src/main/resources/examples/risk-analysis-request/v1");
    private static final SchemaId REQUEST_SCHEMA = SchemaId.parse("risk-analysis-request/v1");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Placeholder replaced in the text, so that the document carries the escape itself. */
    private static final String LONE_SURROGATE = "LONE-SURROGATE-HERE";

    /** What both must do with {@code json}: accept (pointer null) or refuse, RequestReader naming {@code pointer}. */
    private enum Verdict
    {
        /** Both accept. */
        ACCEPTED,
        /** The schema (or the CLI's document reader) refuses, and so does RequestReader. */
        REFUSED,
        /** A rule no schema states (cross-field, integer notation, Unicode text): only RequestReader refuses it, on the CLI too. */
        REFUSED_BY_SOLVER_RULE
    }

    static Stream<Arguments> documents() throws IOException
    {
        final List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> valid = Files.list(EXAMPLES.resolve("valid")))
        {
            valid.sorted().forEach(p -> cases.add(Arguments.of("example " + p.getFileName(), read(p), Verdict.ACCEPTED, null)));
        }
        final Properties expected = new Properties();
        try (Reader in = Files.newBufferedReader(EXAMPLES.resolve("invalid/expected-errors.properties")))
        {
            expected.load(in);
        }
        for (final String file : new java.util.TreeSet<>(expected.stringPropertyNames()))
        {
            cases.add(Arguments.of("example " + file, read(EXAMPLES.resolve("invalid/" + file)), Verdict.REFUSED,
                expected.getProperty(file)));
        }

        final String wet = "valid/wet-risk-given-strategies.json";
        final String dry = "valid/dry-race-enumerated.json";
        // Unknown properties, one per object of the schema: never silently ignored.
        cases.add(refused("typo strategie for strategies", "/strategie", wet, r -> r.set("strategie", r.remove("strategies"))));
        cases.add(refused("extra top-level schema_version", "/schema_version", wet, r -> r.put("schema_version", "risk-analysis-request/v1")));
        cases.add(refused("colour in a tyre compound", "/base_config/tyre_compounds/0/colour", wet,
            r -> compound(r, 0).put("colour", "red")));
        cases.add(refused("extra in base_config", "/base_config/track", wet, r -> config(r).put("track", "Monza")));
        cases.add(refused("extra in fuel", "/base_config/fuel/x", wet, r -> ((ObjectNode)config(r).get("fuel")).put("x", 1)));
        cases.add(refused("extra in weather", "/base_config/weather/x", wet, r -> ((ObjectNode)config(r).get("weather")).put("x", 1)));
        cases.add(refused("extra in safety_car", "/base_config/safety_car/x", wet,
            r -> ((ObjectNode)config(r).get("safety_car")).put("x", 1)));
        cases.add(refused("extra in risk_factors", "/risk_factors/x", wet, r -> ((ObjectNode)r.get("risk_factors")).put("x", 1)));
        cases.add(refused("extra in a strategy", "/strategies/1/colour", wet, r -> strategy(r, 1).put("colour", "red")));
        cases.add(refused("extra in strategy_search", "/strategy_search/max_stints", dry,
            r -> r.putObject("strategy_search").put("max_stints", 2)));
        cases.add(refused("member name needing pointer escapes", "/a~1b~0c", wet, r -> r.put("a/b~c", 1)));
        // Strategy names: 1 to 64 characters, counted in code points.
        cases.add(refused("empty strategy name", "/strategies/0/name", wet, r -> strategy(r, 0).put("name", "")));
        cases.add(accepted("64-character strategy name", wet, r -> strategy(r, 0).put("name", "n".repeat(64))));
        cases.add(accepted("64 non-ASCII characters", wet, r -> strategy(r, 0).put("name", "é".repeat(64))));
        cases.add(accepted("64 astral characters (128 UTF-16 units)", wet, r -> strategy(r, 0).put("name", "😀".repeat(64))));
        cases.add(refused("65-character strategy name", "/strategies/0/name", wet, r -> strategy(r, 0).put("name", "n".repeat(65))));
        cases.add(refused("65 astral characters", "/strategies/0/name", wet, r -> strategy(r, 0).put("name", "😀".repeat(65))));
        cases.add(refused("5000-character strategy name", "/strategies/0/name", wet, r -> strategy(r, 0).put("name", "n".repeat(5000))));
        cases.add(refused("strategy name not a string", "/strategies/0/name", wet, r -> strategy(r, 0).put("name", 7)));
        // Compound names: ^[a-z][a-z0-9_]{0,31}$, in the configuration and in strategies.
        cases.add(accepted("32-character compound name", wet, r -> renameSoft(r, "s" + "_9".repeat(15) + "z")));
        cases.add(refused("33-character compound name", "/base_config/tyre_compounds/0/name", wet, r -> renameSoft(r, "s".repeat(33))));
        cases.add(refused("upper-case compound name", "/base_config/tyre_compounds/0/name", wet, r -> renameSoft(r, "Soft")));
        cases.add(refused("compound name starting with a digit", "/base_config/tyre_compounds/0/name", wet, r -> renameSoft(r, "1soft")));
        cases.add(refused("compound name with a trailing newline", "/base_config/tyre_compounds/0/name", wet, r -> renameSoft(r, "soft\n")));
        cases.add(refused("upper-case compound in a strategy", "/strategies/0/compounds/0", wet,
            r -> ((ArrayNode)strategy(r, 0).get("compounds")).set(0, "Medium")));
        cases.add(refused("compound kind in upper case", "/base_config/tyre_compounds/0/kind", wet, r -> compound(r, 0).put("kind", "Slick")));
        // Bounds and types.
        cases.add(refused("pit lap 300", "/strategies/0/pit_laps/0", wet, r -> ((ArrayNode)strategy(r, 0).get("pit_laps")).set(0, 300)));
        cases.add(refused("laps null", "/laps", wet, r -> r.putNull("laps")));
        cases.add(refused("scenarios_count a string", "/scenarios_count", wet, r -> r.put("scenarios_count", "2000")));
        cases.add(refused("strategies and strategy_search", "/strategy_search", wet, r -> r.putObject("strategy_search")));
        cases.add(accepted("empty strategy_search", dry, r -> r.putObject("strategy_search")));
        cases.add(refused("base_config nested 499 arrays deep", "/base_config", wet, r -> r.set("base_config", nestedArrays(499))));
        cases.add(refused("nested more than 500 levels", "", wet, r -> r.set("base_config", nestedArrays(600))));
        // Rules a schema cannot state: the CLI refuses these through the same RequestReader.
        cases.add(solverRule("lone surrogate in a strategy name", "/strategies/0/name", wet,
            r -> strategy(r, 0).put("name", LONE_SURROGATE)));
        cases.add(solverRule("integer written with an exponent", "/scenarios_count", wet, r -> r.put("scenarios_count", 1e3)));
        cases.add(solverRule("pit stop on the last lap", "/strategies/0/pit_laps/0", wet,
            r -> ((ArrayNode)strategy(r, 0).get("pit_laps")).set(0, 58)));
        cases.add(solverRule("shower_max_laps below shower_min_laps", "/base_config/weather/shower_max_laps", wet,
            r -> ((ObjectNode)config(r).get("weather")).put("shower_max_laps", 2)));
        // No lap may take 0 s or less (the result's times are above 0): its shortest is base + pace + penalty.
        cases.add(solverRule("a dry lap under 0 s", "/base_config/tyre_compounds/0", wet,
            r -> compound(r, 0).put("pace_offset_s", -1000)));
        cases.add(solverRule("a wet lap of 0 s", "/base_config/tyre_compounds/1", wet, r -> {
            config(r).put("base_lap_time_s", 100);
            ((ObjectNode)config(r).get("weather")).put("rain_lap_time_delta_s", 0);
            compound(r, 1).put("pace_offset_s", 0).put("rain_penalty_s", -100);
        }));
        cases.add(accepted("a wet lap under 0 s in a race without rain", dry, r -> {
            ((ObjectNode)r.get("risk_factors")).put("rain_probability_per_lap", 0);
            compound(r, 0).put("rain_penalty_s", -1000);
        }));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void shouldRefuseWhatTheCommandLineRefuses(final String name, final String json, final Verdict verdict,
        final String pointer)
    {
        final List<String> cliProblems = documentAndSchemaProblems(json);
        String readerPointer = null;
        String readerMessage = null;
        try
        {
            RequestReader.read(json);
        }
        catch (final SolverInputException ex)
        {
            readerPointer = ex.pointer();
            readerMessage = ex.getMessage();
        }
        switch (verdict)
        {
            case ACCEPTED:
                assertEquals(List.of(), cliProblems, "the schema refuses it");
                assertEquals(null, readerPointer, "RequestReader refuses it: " + readerMessage);
                break;
            case REFUSED:
                assertTrue(!cliProblems.isEmpty(), "the schema accepts it");
                assertEquals(pointer, readerPointer, "RequestReader's verdict (schema: " + cliProblems + "): " + readerMessage);
                break;
            case REFUSED_BY_SOLVER_RULE:
                assertEquals(List.of(), cliProblems, "the schema refuses it");
                assertEquals(pointer, readerPointer, "RequestReader's verdict: " + readerMessage);
                break;
            default:
                fail(verdict.toString());
        }
    }

    /** What {@code pitgun solve} reports before it runs the solver: the document reader's and the schema's problems. */
    private static List<String> documentAndSchemaProblems(final String json)
    {
        try
        {
            final List<SchemaProblem> problems = SchemaCatalog.standard()
                .validate(REQUEST_SCHEMA, DocumentReader.parse(Path.of("request.json"), json, DocumentFormat.JSON).root());
            return problems.stream().map(SchemaProblem::toString).toList();
        }
        catch (final DocumentException ex)
        {
            return List.of(ex.getMessage());
        }
    }

    private static Arguments accepted(final String name, final String example, final Consumer<ObjectNode> change)
    {
        return Arguments.of(name, variant(example, change), Verdict.ACCEPTED, null);
    }

    private static Arguments refused(final String name, final String pointer, final String example,
        final Consumer<ObjectNode> change)
    {
        return Arguments.of(name, variant(example, change), Verdict.REFUSED, pointer);
    }

    private static Arguments solverRule(final String name, final String pointer, final String example,
        final Consumer<ObjectNode> change)
    {
        return Arguments.of(name, variant(example, change), Verdict.REFUSED_BY_SOLVER_RULE, pointer);
    }

    private static String variant(final String example, final Consumer<ObjectNode> change)
    {
        try
        {
            final ObjectNode root = (ObjectNode)JSON.readTree(read(EXAMPLES.resolve(example)));
            change.accept(root);
            return JSON.writeValueAsString(root).replace(LONE_SURROGATE, "\\ud800abc");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static ObjectNode config(final ObjectNode root)
    {
        return (ObjectNode)root.get("base_config");
    }

    private static ObjectNode compound(final ObjectNode root, final int index)
    {
        return (ObjectNode)config(root).get("tyre_compounds").get(index);
    }

    private static ObjectNode strategy(final ObjectNode root, final int index)
    {
        return (ObjectNode)root.get("strategies").get(index);
    }

    /** Renames compound 0 ("soft") everywhere it is named. */
    private static void renameSoft(final ObjectNode root, final String name)
    {
        final UnaryOperator<String> rename = s -> s.equals("soft") ? name : s;
        compound(root, 0).put("name", rename.apply(compound(root, 0).get("name").asText()));
        for (final com.fasterxml.jackson.databind.JsonNode strategy : root.get("strategies"))
        {
            final ArrayNode compounds = (ArrayNode)strategy.get("compounds");
            for (int i = 0; i < compounds.size(); i++)
            {
                compounds.set(i, rename.apply(compounds.get(i).asText()));
            }
        }
    }

    private static ArrayNode nestedArrays(final int depth)
    {
        final ArrayNode outer = JSON.createArrayNode();
        ArrayNode current = outer;
        for (int i = 1; i < depth; i++)
        {
            current = current.addArray();
        }
        return outer;
    }

    private static String read(final Path path)
    {
        try
        {
            return Files.readString(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
