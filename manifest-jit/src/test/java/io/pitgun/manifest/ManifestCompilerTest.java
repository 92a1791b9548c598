package io.pitgun.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.TextLocation;
import io.pitgun.testsupport.LongFormulaManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestCompilerTest
{
    static final Path EXAMPLES = Path.of("../schemas/src/main/resources/examples/pipeline-manifest/v1");
    static final Path INVALID = Path.of("src/test/resources/manifests/invalid");
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();

    static Stream<Path> validExamples() throws IOException
    {
        try (Stream<Path> files = Files.list(EXAMPLES.resolve("valid")))
        {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().collect(Collectors.toList())
                .stream();
        }
    }

    static Stream<Path> schemaInvalidExamples() throws IOException
    {
        try (Stream<Path> files = Files.list(EXAMPLES.resolve("invalid")))
        {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().collect(Collectors.toList())
                .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void shouldCompileEveryValidExample(final Path file) throws Exception
    {
        final CompiledManifest compiled = ManifestCompiler.compile(ManifestLoader.load(file), SIM_V1);
        assertFalse(compiled.derivedChannels().isEmpty(), file + " derives nothing");
        final var program = compiled.newProgram();
        final var out = compiled.newOutputValues();
        program.onFrame(compiled.newInputValues(), out);
        assertTrue(compiled.describe().contains("execution order"));
    }

    @ParameterizedTest
    @MethodSource("schemaInvalidExamples")
    void shouldRejectEverySchemaInvalidExampleWithAPosition(final Path file)
    {
        final ManifestException ex = assertThrows(ManifestException.class, () -> ManifestLoader.load(file));
        assertTrue(ex.problems().get(0).location() != null, ex.getMessage());
        assertTrue(ex.getMessage().startsWith(file.toString() + ":"), ex.getMessage());
    }

    /**
     * A plan whose onFrame would be longer than the JIT compiles (sixteen formulas of 250 terms each, within the
     * validator's limits) runs in the interpreter, with the same results; before, compiling it threw ASM's
     * MethodTooLargeException (and with more such formulas ran out of memory). A short plan still runs as bytecode.
     */
    @Test
    void shouldRunAPlanTooLongToCompileInTheInterpreter() throws Exception
    {
        final CompiledManifest tooLong = ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("long.yaml"), LongFormulaManifest.yaml()), SIM_V1);
        assertFalse(tooLong.runsCompiled());
        assertTrue(tooLong.describe().contains("runs as: the reference interpreter"), tooLong.describe());
        final FrameValues in = tooLong.newInputValues();
        in.timestampUs(1_000);
        for (final ProgramPlan.Input input : tooLong.inputs())
        {
            in.putDouble(input.slot(), input.name().equals("Speed") ? 250.5 : 301.25);
        }
        final FrameValues program = tooLong.newOutputValues();
        final FrameValues interpreter = tooLong.newOutputValues();
        assertTrue(tooLong.newProgram().onFrame(in, program));
        assertTrue(tooLong.newInterpreter().onFrame(in, interpreter));
        for (int slot = 0; slot < 4; slot++)
        {
            assertTrue(program.isPresent(slot));
            assertEquals(Double.doubleToRawLongBits(interpreter.doubleValue(slot)),
                Double.doubleToRawLongBits(program.doubleValue(slot)));
        }

        final CompiledManifest brief = ManifestCompiler.compile(
            ManifestLoader.load(EXAMPLES.resolve("valid/demo-reference.yaml")), SIM_V1);
        assertTrue(brief.runsCompiled());
        assertTrue(brief.describe().contains("runs as: bytecode (onFrame "), brief.describe());
    }

    @Test
    void shouldLoadTheSeedExampleUnchanged() throws Exception
    {
        final CompiledManifest compiled = ManifestCompiler.compile(
            ManifestLoader.load(EXAMPLES.resolve("valid/pipeline.yaml")), SIM_V1);
        assertEquals(List.of("Power_kW"), compiled.derivedChannels().stream().map(DerivedChannel::name).toList());
        final DerivedChannel power = compiled.derivedChannels().get(0);
        assertEquals(List.of("Torque_Nm", "Engine_RPM"), power.dependencies());
        assertEquals(DerivedChannel.ID_BASE, power.parameterId());
        assertTrue(compiled.emits("Speed"));
        assertTrue(compiled.emits("Power_kW"));
        assertTrue(compiled.emits("LapTime"));
        assertFalse(compiled.emits("Torque_Nm"));
        assertFalse(compiled.emits("Engine_RPM"));
    }

    @Test
    void shouldReportUnknownChannelAtItsColumnWithSuggestion() throws IOException
    {
        final ManifestProblem problem = firstProblem("unknown-channel.yaml");
        assertEquals(locationOf("unknown-channel.yaml", "Engine_RMP"), problem.location());
        assertTrue(problem.reason().contains("unknown channel 'Engine_RMP'"), problem.reason());
        assertTrue(problem.reason().contains("did you mean Engine_RPM"), problem.reason());
        assertTrue(problem.excerpt().contains("^"), problem.excerpt());
    }

    @Test
    void shouldReportTypeErrorAtTheBooleanOperand() throws IOException
    {
        final ManifestProblem problem = firstProblem("type-error.yaml");
        assertEquals(locationOf("type-error.yaml", "DRS_Open\""), problem.location());
        assertTrue(problem.reason().contains("must be a number, but it is boolean"), problem.reason());
    }

    @Test
    void shouldNameTheCycle() throws IOException
    {
        final ManifestProblem problem = firstProblem("cycle.yaml");
        assertTrue(problem.reason().contains("Power_kW -> Loss_kW -> Drivetrain_Loss -> Power_kW"),
            problem.reason());
        assertEquals(locationOf("cycle.yaml", "Power_kW * 0.03"), problem.location());
    }

    /**
     * A channel's own earlier value is no way out of a cycle: names inside prev() order the stage as any other, so
     * the hint must not send the user there (it did: "use prev(x) for the previous frame's value").
     */
    @Test
    void shouldNotProposePrevForACycleThatPrevDoesNotBreak()
    {
        final ManifestException ex = assertThrows(ManifestException.class, () -> ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("count.yaml"), "version: v1\npipeline:\n  - type: formula\n" +
                "    derived_channels:\n      - name: Count\n        expr: \"prev(Count) + 1\"\n"), SIM_V1));
        final String reason = ex.problems().get(0).reason();
        assertTrue(reason.contains("dependency cycle between derived channels: Count -> Count"), reason);
        assertFalse(reason.contains("use prev"), reason);
        assertTrue(reason.contains("not even through prev()"), reason);
    }

    /** Constant bounds of clamp() in the wrong order give hi whatever x is: refused at the call, not found in data. */
    @Test
    void shouldRefuseAClampWhoseConstantBoundsAreInTheWrongOrder() throws ManifestException
    {
        final ManifestException ex = assertThrows(ManifestException.class, () -> ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("clamp.yaml"), "version: v1\npipeline:\n  - type: formula\n" +
                "    derived_channels:\n      - name: Capped\n        expr: \"clamp(Speed, 300, 0)\"\n"), SIM_V1));
        final String reason = ex.problems().get(0).reason();
        assertTrue(reason.contains("clamp(x, lo, hi) needs lo <= hi, but lo is 300.0 and hi 0.0"), reason);
        ManifestCompiler.compile(ManifestLoader.parse(Path.of("clamp.yaml"), "version: v1\npipeline:\n" +
            "  - type: formula\n    derived_channels:\n      - name: Capped\n        expr: \"clamp(Speed, 0, 0)\"\n"),
            SIM_V1);
    }

    @Test
    void shouldRefuseASectorSegmentWhichNoSummaryKindHolds() throws ManifestException
    {
        // insight-contract/v1 has lap and session summaries only. Before, a sector segment compiled ("OK" from
        // manifest check) and the gateway summarised nothing for it, without a word.
        final String sector = "version: v1\npipeline:\n  - type: segment\n    by: sector\n    aggregates:\n" +
            "      - channel: Speed\n        stats: [mean]\n  - type: output\n    contracts: [insight-contract/v1]\n";
        final ManifestException ex = assertThrows(ManifestException.class, () -> ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("sector.yaml"), sector), SIM_V1));
        final ManifestProblem problem = ex.problems().get(0);
        assertTrue(problem.reason().contains("no sector summaries"), problem.reason());
        assertEquals(4, problem.location().line(), problem.format());
        ManifestCompiler.compile(ManifestLoader.parse(Path.of("lap.yaml"), sector.replace("sector", "lap")), SIM_V1);
    }

    /**
     * insight-contract/v1 holds at most 32 percentiles of a channel, keyed with at most 3 decimals. Before, a manifest
     * asking for more compiled, and its summaries broke their own contract (p99.9999, or a 33rd percentile).
     */
    @Test
    void shouldRefusePercentilesTheInsightContractCannotHold() throws ManifestException
    {
        final String tooFine = "version: v1\npipeline:\n  - type: segment\n    by: lap\n    aggregates:\n" +
            "      - channel: Speed\n        percentiles: [50, 99.9999]\n  - type: output\n" +
            "    contracts: [insight-contract/v1]\n";
        final ManifestProblem fine = assertThrows(ManifestException.class, () -> ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("fine.yaml"), tooFine), SIM_V1)).problems().get(0);
        assertTrue(fine.reason().startsWith("percentile 99.9999 has more than 3 decimals"), fine.format());
        assertEquals(7, fine.location().line(), fine.format());

        // 20 in one lap segment and 20 others in another: united, the 33rd is refused where it is written.
        final StringBuilder twoSegments = new StringBuilder("version: v1\npipeline:\n");
        for (int segment = 0; segment < 2; segment++)
        {
            final StringBuilder list = new StringBuilder();
            for (int i = 1; i <= 20; i++)
            {
                list.append(list.length() == 0 ? "" : ", ").append(segment * 20 + i);
            }
            twoSegments.append("  - type: segment\n    by: lap\n    aggregates:\n      - channel: Speed\n")
                .append("        percentiles: [").append(list).append("]\n");
        }
        twoSegments.append("  - type: output\n    contracts: [insight-contract/v1]\n");
        final ManifestProblem many = assertThrows(ManifestException.class, () -> ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("many.yaml"), twoSegments.toString()), SIM_V1)).problems().get(0);
        assertTrue(many.reason().startsWith("'Speed' has more than 32 percentiles in its lap summaries"),
            many.format());
        assertEquals(12, many.location().line(), many.format());

        // A session segment's are its own; 99.999 has 3 decimals.
        ManifestCompiler.compile(ManifestLoader.parse(Path.of("ok.yaml"), twoSegments.toString()
            .replaceFirst("by: lap", "by: session").replace("20]", "20, 99.999]")), SIM_V1);
    }

    /**
     * The compiler's limit of percentiles per channel is the schemas' too: insight-contract/v1 holds at most that
     * many ({@code maxProperties}), and pipeline-manifest/v1 lets one aggregate ask for no more ({@code maxItems}).
     * Before, the manifest schema had no limit: a manifest of 33 percentiles in one aggregate validated, and only
     * its compilation refused it.
     */
    @Test
    void shouldStateThePercentileLimitInBothSchemas() throws IOException
    {
        final SchemaCatalog catalog = SchemaCatalog.standard();
        final ObjectMapper json = new ObjectMapper();
        final SchemaId manifestSchema = SchemaId.parse("pipeline-manifest/v1");
        final JsonNode manifest = json.readTree(catalog.schemaText(manifestSchema));
        final JsonNode insight = json.readTree(catalog.schemaText(SchemaId.parse("insight-contract/v1")));
        assertEquals(ManifestCompiler.MAX_PERCENTILES,
            manifest.at("/$defs/aggregate/properties/percentiles/maxItems").asInt(-1), "pipeline-manifest/v1");
        assertEquals(ManifestCompiler.MAX_PERCENTILES,
            insight.at("/$defs/aggregates/properties/percentiles/maxProperties").asInt(-1), "insight-contract/v1");

        final StringBuilder percentiles = new StringBuilder();
        for (int p = 1; p <= ManifestCompiler.MAX_PERCENTILES + 1; p++)
        {
            percentiles.append(p == 1 ? "" : ", ").append(p);
        }
        final JsonNode tooMany = json.readTree("{\"version\": \"v1\", \"pipeline\": [{\"type\": \"segment\", " +
            "\"by\": \"lap\", \"aggregates\": [{\"channel\": \"Speed\", \"percentiles\": [" + percentiles +
            "]}]}, {\"type\": \"output\", \"contracts\": [\"insight-contract/v1\"]}]}");
        assertFalse(catalog.validate(manifestSchema, tooMany).isEmpty(), "33 percentiles in one aggregate validated");
        final JsonNode enough = json.readTree(tooMany.toString().replace(", " + (ManifestCompiler.MAX_PERCENTILES + 1) +
            "]", "]").replace("," + (ManifestCompiler.MAX_PERCENTILES + 1) + "]", "]"));
        assertEquals(List.of(), catalog.validate(manifestSchema, enough));
    }

    @Test
    void shouldReportYamlSyntaxErrorWithPosition() throws IOException
    {
        final ManifestProblem problem = firstProblem("yaml-syntax.yaml");
        assertTrue(problem.location() != null, problem.format());
        assertTrue(problem.location().line() >= 6, problem.format());
    }

    @Test
    void shouldReportFormulaSyntaxErrorAtTheUnexpectedToken() throws IOException
    {
        final ManifestProblem problem = firstProblem("formula-syntax.yaml");
        assertEquals(locationOf("formula-syntax.yaml", "* Engine_RPM"), problem.location());
        assertTrue(problem.reason().contains("expected a number, a channel name"), problem.reason());
    }

    @Test
    void shouldRejectADoubleFormulaDeclaredAsInteger() throws IOException
    {
        final ManifestProblem problem = firstProblem("declared-type-mismatch.yaml");
        assertEquals(locationOf("declared-type-mismatch.yaml", "u16"), problem.location());
        assertTrue(problem.reason().contains("declared u16 but its formula gives a double"), problem.reason());
    }

    @Test
    void shouldRejectAChannelRemovedByAnEarlierFilter() throws IOException
    {
        final ManifestProblem problem = firstProblem("removed-by-filter.yaml");
        assertEquals(locationOf("removed-by-filter.yaml", "Torque_Nm"), problem.location());
        assertTrue(problem.reason().contains("removed by the filter at line 3"), problem.reason());
    }

    @Test
    void shouldRejectAMergeLatenessOfMoreThan64Windows() throws IOException
    {
        final ManifestProblem problem = firstProblem("merge-lateness-too-large.yaml");
        assertEquals(locationOf("merge-lateness-too-large.yaml", "65000"), problem.location());
        assertTrue(problem.reason().contains("more than 64 windows of 1000 us"), problem.reason());
    }

    @Test
    void shouldDefaultTheMergeLatenessToFourWindows() throws Exception
    {
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("m.yaml"),
            "version: v1\npipeline:\n  - type: merge\n    sources: [0, 1]\n    window_us: 2500\n"), SIM_V1);
        assertEquals(2_500, manifest.merge().windowUs());
        assertEquals(10_000, manifest.merge().maxLatenessUs());
    }

    private static ManifestProblem firstProblem(final String file)
    {
        final ManifestException ex = assertThrows(ManifestException.class,
            () -> ManifestCompiler.compile(ManifestLoader.load(INVALID.resolve(file)), SIM_V1));
        final ManifestProblem problem = ex.problems().get(0);
        assertTrue(ex.getMessage().startsWith(INVALID.resolve(file) + ":"), ex.getMessage());
        return problem;
    }

    /** Line and column (from 1) of the first occurrence of a marker in the file. */
    private static TextLocation locationOf(final String file, final String marker) throws IOException
    {
        final List<String> lines = Files.readAllLines(INVALID.resolve(file));
        for (int i = 0; i < lines.size(); i++)
        {
            final int column = lines.get(i).indexOf(marker);
            if (column >= 0)
            {
                return new TextLocation(i + 1, column + 1);
            }
        }
        throw new AssertionError(marker + " not in " + file);
    }
}
