package io.pitgun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun manifest check} and {@code pitgun manifest eval}, end to end through picocli. */
class ManifestCommandTest
{
    private static final Path EXAMPLES = Path.of("..", "schemas", "src", "main", "resources", "examples",
        "pipeline-manifest", "v1");
    private static final Path INVALID = Path.of("..", "manifest-jit", "src", "test", "resources", "manifests",
        "invalid");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;



    @Test
    void shouldFindAShippedDictionaryByTheNameTheManifestGives()
    {
        // The gateway's built-in F1 manifest names f1-25.v1, which ships with Pitgun: no --dictionary needed.
        final Path f1 = Path.of("..", "ingress-netty", "src", "main", "resources", "gateway", "f1-25-laps-manifest.yaml");
        final CliRun check = CliRun.of("manifest", "check", f1.toString());
        assertEquals(0, check.exitCode(), check.out() + check.err());
    }

    @Test
    void shouldReportEveryProblemOfAManifestInOneRunInSourceOrder() throws IOException
    {
        final Path file = dir.resolve("four-mistakes.yaml");
        Files.writeString(file, String.join("\n",
            "version: v1",
            "name: four-mistakes",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: Power_kW",
            "        expr: \"Torque_Nm * Engine_RMP / 9549.0\"",
            "      - name: Speed_ms",
            "        expr: \"Speed / \"",
            "      - name: Brake_Hot",
            "        expr: \"Brake_Temp_FL > 800\"",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - channel: Speeed",
            "        stats: [max]",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
            ""));

        final CliRun run = CliRun.of("manifest", "check", file.toString());

        final List<String> located = locatedProblems(run, file);
        assertEquals(4, located.size(), run.err());
        assertTrue(located.get(0).startsWith(file + ":7:28: unknown channel 'Engine_RMP'"), run.err());
        assertTrue(located.get(1).startsWith(file + ":9:24: expected a number"), run.err());
        assertTrue(located.get(2).startsWith(file + ":11:15: derived channel 'Brake_Hot' is declared f64"), run.err());
        assertTrue(located.get(3).startsWith(file + ":15:18: unknown channel 'Speeed'"), run.err());
    }

    @Test
    void shouldNotReportWhatFollowsFromAnEarlierProblem() throws IOException
    {
        final Path file = dir.resolve("cascade.yaml");
        Files.writeString(file, String.join("\n",
            "version: v1",
            "name: cascade",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: A",
            "        expr: \"Speed / \"",
            "      - name: B",
            "        expr: \"A * 2\"",
            "      - name: C",
            "        expr: \"C + 1\"",
            "  - type: filter",
            "    where: \"B > 3\"",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - channel: B",
            "        stats: [max]",
            "  - type: output",
            "    contracts: [insight-contract/v1]",
            ""));

        final CliRun run = CliRun.of("manifest", "check", file.toString());

        final List<String> located = locatedProblems(run, file);
        assertEquals(2, located.size(), "the broken A and the cycle of C; B, the filter and the segment only " +
            "follow from A:\n" + run.err());
        assertTrue(located.get(0).startsWith(file + ":7:24: expected a number"), run.err());
        assertTrue(located.get(1).startsWith(file + ":11:16: dependency cycle"), run.err());
    }

    /**
     * A second definition of a derived channel is a problem of its own, also when the first one's formula failed (a
     * cycle, a syntax error). Before, such a duplicate in a later stage went unreported: only the cycle and the
     * syntax error were named.
     */
    @Test
    void shouldReportADuplicateOfAChannelWhoseFormulaFailed() throws IOException
    {
        final Path file = dir.resolve("duplicates.yaml");
        Files.writeString(file, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: A",
            "        expr: \"B + 1\"",
            "      - name: B",
            "        expr: \"A + 1\"",
            "      - name: C",
            "        expr: \"Speed +\"",
            "  - type: formula",
            "    derived_channels:",
            "      - name: A",
            "        expr: \"Speed * 2\"",
            "      - name: C",
            "        expr: \"Speed * 3\"",
            ""));

        final CliRun run = CliRun.of("manifest", "check", file.toString());

        final List<String> located = locatedProblems(run, file);
        assertEquals(4, located.size(), run.err());
        assertTrue(located.get(0).startsWith(file + ":8:16: dependency cycle between derived channels: A -> B -> A"),
            run.err());
        assertTrue(located.get(1).startsWith(file + ":10:23: expected a number"), run.err());
        assertEquals(file + ":13:15: derived channel 'A' is defined twice (first at line 5)", located.get(2));
        assertEquals(file + ":15:15: derived channel 'C' is defined twice (first at line 9)", located.get(3));
    }

    @Test
    void shouldPointInsideBlockScalarsEscapedAndMultiLineStrings() throws IOException
    {
        final Path file = dir.resolve("styles.yaml");
        Files.writeString(file, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: Tyre_Temp_Spread",
            "        expr: >-",
            "          max(max(Tyre_Surface_Temp_FL, Tyre_Surface_Temp_FR), max(Tyre_Surface_Temp_RL, Tyre_Surface_Temp_RR))",
            "          - min(min(Tyre_Surface_Temp_FL, Bogus1), min(Tyre_Surface_Temp_RL, Tyre_Surface_Temp_RR))",
            "      - name: Literal",
            "        expr: |",
            "          Speed",
            "            * Bogus2",
            "      - name: Escaped",
            "        expr: \"Speed * \\t Bogus3\"",
            "      - name: Plain",
            "        expr: Speed *",
            "          Bogus4",
            "      - name: Quoted",
            "        expr: 'Speed",
            "          * Bogus5'",
            "      - name: Continued",
            "        expr: \"Speed + \\",
            "          Bogus6\"",
            ""));
        final Object[][] expected = {
            {"8:43: unknown channel 'Bogus1'", "          - min(min(Tyre_Surface_Temp_FL, Bogus1)", 43},
            {"12:15: unknown channel 'Bogus2'", "            * Bogus2", 15},
            {"14:27: unknown channel 'Bogus3'", "        expr: \"Speed * \\t Bogus3\"", 27},
            {"17:11: unknown channel 'Bogus4'", "          Bogus4", 11},
            {"20:13: unknown channel 'Bogus5'", "          * Bogus5'", 13},
            {"23:11: unknown channel 'Bogus6'", "          Bogus6\"", 11},
        };

        for (final String command : new String[] {"manifest check", "validate"})
        {
            final List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
            args.add(file.toString());
            final CliRun run = CliRun.of(args.toArray(String[]::new));

            assertEquals(1, run.exitCode(), command + ": " + run.out() + run.err());
            final List<String> lines = run.err().lines().collect(Collectors.toList());
            for (final Object[] problem : expected)
            {
                final int at = lines.indexOf(lines.stream().filter(line -> line.startsWith(file + ":" + problem[0]))
                    .findFirst().orElse(null));
                assertTrue(at >= 0, command + ": no " + problem[0] + " in:\n" + run.err());
                // The quoted line, then the caret under the column (validate indents both by four).
                final String quoted = lines.get(at + 1);
                final int indent = quoted.length() - quoted.stripLeading().length() -
                    (((String)problem[1]).length() - ((String)problem[1]).stripLeading().length());
                assertTrue(quoted.substring(indent).startsWith((String)problem[1]), command + ": " + quoted);
                assertEquals(indent + (int)problem[2] - 1, lines.get(at + 2).indexOf('^'),
                    command + ": caret under " + problem[0] + " in:\n" + run.err());
            }
        }
    }

    @Test
    void shouldRefuseASegmentWhoseSummariesGoNowhere() throws IOException
    {
        final Path file = dir.resolve("segment-without-output.yaml");
        Files.writeString(file, String.join("\n",
            "version: v1",
            "name: segment-without-output",
            "pipeline:",
            "  - type: segment",
            "    by: lap",
            "    aggregates:",
            "      - channel: Speed",
            "        stats: [max]",
            ""));

        final CliRun run = CliRun.of("manifest", "check", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(file + ":4:11: this segment's summaries go nowhere: add insight-contract/v1"),
            run.err());
    }

    @Test
    void shouldCheckEveryValidExampleAndPrintThePlan() throws IOException
    {
        final List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES.resolve("valid")))
        {
            files = list.filter(file -> file.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 4, "expected the seed example and three richer ones");
        for (final Path file : files)
        {
            final CliRun run = CliRun.of("manifest", "check", file.toString());
            assertEquals(0, run.exitCode(), file + ": " + run.err());
            assertTrue(run.out().contains("execution order per frame:"), run.out());
            assertTrue(run.out().contains("depends on:"), run.out());
        }
    }

    @Test
    void shouldPrintResolvedDependenciesAndUnitsOfTheSeedExample()
    {
        final CliRun run = CliRun.of("manifest", "check", EXAMPLES.resolve("valid/pipeline.yaml").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Power_kW = Torque_Nm * Engine_RPM / 9549.0"), run.out());
        assertTrue(run.out().contains("Torque_Nm (Nm, f32), Engine_RPM (rpm, u16)"), run.out());
    }

    @Test
    void shouldFailWithLineColumnAndReasonForEachKindOfError()
    {
        assertFailure("unknown-channel.yaml", ":7:28: unknown channel 'Engine_RMP'");
        assertFailure("type-error.yaml", ":7:24: the right operand of '*' must be a number, but it is boolean");
        assertFailure("cycle.yaml", "dependency cycle between derived channels: Power_kW -> Loss_kW");
        assertFailure("yaml-syntax.yaml", "invalid YAML");
    }

    private static void assertFailure(final String file, final String expected)
    {
        final CliRun run = CliRun.of("manifest", "check", INVALID.resolve(file).toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains(expected), run.err());
        assertTrue(run.err().matches("(?s).*" + file.replace(".", "\\.") + ":\\d+:\\d+: .*\\n.*\\n *\\^.*"),
            "no line:column and caret in: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    /**
     * {@code pitgun manifest}'s description names what its subcommands do and nothing else. Before, it said "Check,
     * explain, run, sign and verify", and {@code manifest explain} and {@code manifest run} were unknown commands.
     */
    @Test
    void shouldDescribeOnlyTheSubcommandsItHas()
    {
        final CliRun run = CliRun.of("manifest");

        assertEquals(0, run.exitCode(), run.err());
        // Between the usage line and the options.
        final String description = run.out().lines().skip(1).takeWhile(line -> !line.startsWith("  -"))
            .collect(Collectors.joining(" "));
        assertEquals("Check (validate, compile, print the plan), evaluate over frames (eval), sign and verify " +
            "pipeline manifests (pipeline-manifest/v1).", description);
    }

    /** A directory given as the frames is named. Before, the message was Java's "Is a directory" alone. */
    @Test
    void evalShouldNameAnInputItCannotRead()
    {
        final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
            dir.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith(dir + ": "), run.err());
    }

    /** {@code --input -} reads the frames from standard input, as Unix tools do: frames piped from another tool. */
    @Test
    void evalShouldReadFramesFromStandardInput()
    {
        final InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(
            "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Speed\":250.5}}\n".getBytes(StandardCharsets.UTF_8)));
        try
        {
            final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(),
                "--input", "-");

            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("\"timestamp_us\":1000"), run.out());
        }
        finally
        {
            System.setIn(stdin);
        }
    }

    /**
     * A byte order mark before the first frame, as editors on Windows save UTF-8, is not part of the frame: before, the
     * first line was refused with Jackson's "Unexpected character ('\uFEFF' (code 65279 / 0xfeff))".
     */
    @Test
    void evalShouldReadFramesSavedWithAByteOrderMark() throws IOException
    {
        final Path frames = dir.resolve("frames.jsonl");
        Files.writeString(frames, "\uFEFF{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Speed\":250.5}}\n");

        final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
            frames.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"timestamp_us\":1000"), run.out());
    }

    /**
     * Frames that are not UTF-8 text (a binary file given by mistake) are named as such. Before, the message was
     * Java's "Input length = 1", naming neither the file nor the problem.
     */
    @Test
    void evalShouldNameAnInputThatIsNotText() throws IOException
    {
        final Path frames = dir.resolve("frames.jsonl");
        Files.write(frames, new byte[] {'{', (byte)0xff, (byte)0xfe, '}', '\n'});

        final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
            frames.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(frames + ": file is not valid UTF-8 text", run.err().strip());
    }

    @Test
    void shouldEvaluateTheSeedManifestOverFrames() throws IOException
    {
        final Path frames = dir.resolve("frames.jsonl");
        Files.writeString(frames, String.join("\n",
            "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Engine_RPM\":11000,\"Torque_Nm\":400.0," +
                "\"Speed\":250.5,\"LapTime\":61.2}}",
            "{\"sequence\":2,\"timestamp_us\":2000,\"samples\":{\"Speed\":251.0}}",
            ""));
        for (final String mode : new String[] {"--input", "--interpreter"})
        {
            final CliRun run = mode.equals("--input") ?
                CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input", frames.toString()) :
                CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input", frames.toString(),
                    "--interpreter");
            assertEquals(0, run.exitCode(), run.err());
            final String[] lines = run.out().strip().split("\\R");
            assertEquals(2, lines.length, run.out());
            final JsonNode first = JSON.readTree(lines[0]);
            assertEquals(1000, first.get("timestamp_us").asLong());
            assertEquals(400.0 * 11000 / 9549.0, first.get("samples").get("Power_kW").asDouble());
            assertEquals(250.5, first.get("samples").get("Speed").asDouble());
            assertFalse(first.get("samples").has("Torque_Nm"), "filtered by the whitelist");
            final JsonNode second = JSON.readTree(lines[1]);
            assertFalse(second.get("samples").has("Power_kW"), "absent inputs make Power_kW absent");
        }
    }

    /**
     * A derived integer channel whose formula is a constant outside its type would be absent in every frame: check
     * refuses it, at the formula (before, it passed, and the channel never appeared).
     */
    @Test
    void shouldRefuseAConstantFormulaOutsideTheChannelsType() throws IOException
    {
        final Path manifest = dir.resolve("constant.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: \"Gear_Limit\"",
            "        expr: \"200 + 200\"",
            "        data_type: u8",
            "      - name: \"Fine\"",
            "        expr: \"255\"",
            "        data_type: u8",
            ""));
        final CliRun run = CliRun.of("manifest", "check", manifest.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(manifest + ":6:15: derived channel 'Gear_Limit' is declared u8 (0 to 255) " +
            "but its formula is the constant 400"), run.err());
        Files.writeString(manifest, Files.readString(manifest).replace("200 + 200", "200 + 55"));
        assertEquals(0, CliRun.of("manifest", "check", manifest.toString()).exitCode());
    }

    /**
     * The parser's nesting limit (it bounds recursion) counts a pair of parentheses as one level and says so: 200
     * nested parentheses pass, 201 are refused in those words. Before, a pair counted twice, so 100 were refused as
     * "nests deeper than 200 levels", which the syntax-tree depth of docs/security.md (parentheses not counted) denies.
     */
    @Test
    void shouldCountEachPairOfParenthesesAsOneLevelOfNesting() throws IOException
    {
        final Path manifest = dir.resolve("deep.yaml");
        final String deep = "(".repeat(200) + "Speed" + ")".repeat(200);
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: \"Deep\"",
            "        expr: \"" + deep + "\"",
            ""));
        final CliRun passes = CliRun.of("manifest", "check", manifest.toString());
        assertEquals(0, passes.exitCode(), passes.out() + passes.err());

        Files.writeString(manifest, Files.readString(manifest).replace(deep, "(" + deep + ")"));
        final CliRun run = CliRun.of("manifest", "check", manifest.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(manifest + ":6:216: formula nests deeper than 200 levels (each pair of " +
            "parentheses, call, unary operator, '^' and '?:' branch is one)"), run.err());
    }

    /**
     * A chain of operators makes a syntax tree as deep as the chain is long, which every later pass walks recursively:
     * 'Speed+1+1+...' of 4,090 terms, within the length limit, ended manifest check and eval with a
     * StackOverflowError (and a gateway loading it). A tree deeper than 256 operators is refused at the operator
     * that passes the bound; 256 operators pass.
     */
    @Test
    void shouldRefuseAChainOfOperatorsTooDeepToWalkAndSayHowToGroupIt() throws IOException
    {
        final Path manifest = dir.resolve("chain.yaml");
        for (final int operators : new int[] {256, 4_090})
        {
            Files.writeString(manifest, String.join("\n",
                "version: v1",
                "pipeline:",
                "  - type: formula",
                "    derived_channels:",
                "      - name: \"Sum\"",
                "        expr: \"Speed" + "+1".repeat(operators) + "\"",
                ""));
            final CliRun run = CliRun.of("manifest", "check", manifest.toString());
            if (operators == 256)
            {
                assertEquals(0, run.exitCode(), run.out() + run.err());
                continue;
            }
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertFalse(run.err().contains("StackOverflowError"), run.err());
            // The 257th '+': after the quote at column 15, 'Speed' and 256 of '+1'.
            assertTrue(run.err().contains(manifest + ":6:" + (15 + 5 + 2 * 256 + 1) + ": formula is deeper than " +
                "256 operators"), run.err());
        }
    }

    /**
     * eval runs the per-frame stages only, and says which stages it leaves out: a merge stage was skipped silently
     * (eval's frames have no source), its output taken for the gateway's.
     */
    @Test
    void shouldSayWhichStagesItDoesNotRun() throws IOException
    {
        final Path frames = dir.resolve("frames.jsonl");
        Files.writeString(frames, "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Speed\":250.5}}\n");
        final CliRun merge = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/two-source-merge.yaml").toString(),
            "--input", frames.toString());
        assertEquals(0, merge.exitCode(), merge.err());
        assertTrue(merge.err().contains("not run here: merge (eval's frames have no source)"), merge.err());
        final CliRun plain = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(),
            "--input", frames.toString());
        assertEquals("", plain.err());
    }

    /**
     * A manifest whose output is insights only makes the gateway emit no frames, so eval prints none (docs/manifest.md)
     * and says why; its frames are still checked. Before, eval printed a frame per input line as for any manifest.
     */
    @Test
    void evalShouldPrintNoFramesForAnInsightsOnlyManifest() throws IOException
    {
        final String insightsOnly = Files.readString(EXAMPLES.resolve("valid/lap-energy-summary.yaml"))
            .replace("contracts: [pitgun-envelope/v1, insight-contract/v1]", "contracts: [insight-contract/v1]");
        assertTrue(insightsOnly.contains("contracts: [insight-contract/v1]"), insightsOnly);
        final Path manifest = Files.writeString(dir.resolve("insights-only.yaml"), insightsOnly);
        final Path frames = Files.writeString(dir.resolve("frames.jsonl"), String.join("\n",
            "{\"sequence\":1,\"timestamp_us\":1000,\"lap_number\":1,\"samples\":{\"Speed\":250.5}}",
            "{\"sequence\":2,\"timestamp_us\":2000,\"lap_number\":1,\"samples\":{\"Speed\":251.5}}",
            ""));
        final CliRun run = CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("prints no frames: the manifest's output is insight-contract/v1, without " +
            "pitgun-envelope/v1"), run.err());

        Files.writeString(frames, "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Speed\":1e400}}\n");
        final CliRun refused = CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString());
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains(frames + ":1: samples.Speed: "), refused.err());
    }

    /**
     * {@code integral} over frames whose time goes back once, through {@code manifest eval}, compiled and
     * interpreted: the frame from the past is not used, so 25–30 ms is integrated once (1.45, not 1.575).
     */
    @Test
    void shouldIntegrateEachSpanOfTimeOnceWhenAFrameGoesBackInTime() throws IOException
    {
        final Path manifest = Files.writeString(dir.resolve("integral.yaml"), String.join("\n",
            "version: v1",
            "name: distance",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - {name: Distance, expr: \"integral(Speed)\"}",
            ""));
        final Path frames = Files.writeString(dir.resolve("back.jsonl"), String.join("\n",
            "{\"sequence\":1,\"timestamp_us\":0,\"samples\":{\"Speed\":10.0}}",
            "{\"sequence\":2,\"timestamp_us\":30000,\"samples\":{\"Speed\":50.0}}",
            "{\"sequence\":3,\"timestamp_us\":25000,\"samples\":{\"Speed\":30.0}}",
            "{\"sequence\":4,\"timestamp_us\":40000,\"samples\":{\"Speed\":60.0}}",
            ""));
        for (final boolean interpreted : new boolean[] { false, true })
        {
            final CliRun run = interpreted ?
                CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString(), "--interpreter") :
                CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString());
            assertEquals(0, run.exitCode(), run.err());
            final String[] lines = run.out().strip().split("\\R");
            assertEquals(4, lines.length, run.out());
            final double at30ms = (10.0 + 50.0) * 0.5 * 0.03;
            assertEquals(at30ms, JSON.readTree(lines[2]).get("samples").get("Distance").asDouble(), run.out());
            assertEquals(at30ms + (50.0 + 60.0) * 0.5 * 0.01,
                JSON.readTree(lines[3]).get("samples").get("Distance").asDouble(), 1e-12, "interpreted " + interpreted);
        }
    }

    /**
     * The formulas see a sample as the gateway stores it: Torque_Nm is an {@code f32} channel, so 400.1 becomes the
     * float nearest it, and Power_kW is the gateway's value bit for bit. Before, eval computed with the double 400.1.
     */
    @Test
    void shouldEvaluateSamplesAsTheGatewayStoresThem() throws IOException
    {
        final Path frames = dir.resolve("frames.jsonl");
        Files.writeString(frames,
            "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Engine_RPM\":11000,\"Torque_Nm\":400.1}}\n");
        for (final boolean interpreted : new boolean[] {false, true})
        {
            final CliRun run = interpreted ?
                CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
                    frames.toString(), "--interpreter") :
                CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
                    frames.toString());
            assertEquals(0, run.exitCode(), run.err());
            final double power = JSON.readTree(run.out().strip()).get("samples").get("Power_kW").asDouble();
            assertEquals((double)400.1f * 11000 / 9549.0, power, "interpreted " + interpreted);
        }
    }

    /**
     * Eval prints each sample as the frame holds it, not as the input wrote it: Gear (i8) written 4.0 is the integer
     * 4, Speed (f32) written 250 is 250.0, Torque_Nm 400.1 is the float the gateway stores. Before, the input
     * channels were echoed as written ("Gear":4.0, "Speed":250); derived channels print as their data_type holds them.
     */
    @Test
    void shouldPrintEachSampleAsItsTypeHoldsIt() throws IOException
    {
        final Path manifest = dir.resolve("types.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - {name: GearU8, expr: 'Gear', data_type: u8}",
            "      - {name: GearI16, expr: 'Gear - 5', data_type: i16}",
            "      - {name: RpmU32, expr: 'Engine_RPM', data_type: u32}",
            "      - {name: RpmI64, expr: 'Engine_RPM * 2', data_type: i64}",
            "      - {name: Half, expr: 'Engine_RPM / 2', data_type: f64}",
            "      - {name: Open, expr: 'DRS_Open', data_type: bool}",
            "      - {name: TorqueF32, expr: 'Torque_Nm * 3', data_type: f32}",
            ""));
        final Path frames = dir.resolve("frames.jsonl");
        Files.writeString(frames, "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Gear\":4.0," +
            "\"Engine_RPM\":11000e0,\"Speed\":250,\"Torque_Nm\":400.1,\"DRS_Open\":true}}\n");
        for (final boolean interpreted : new boolean[] {false, true})
        {
            final CliRun run = interpreted ?
                CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString(), "--interpreter") :
                CliRun.of("manifest", "eval", manifest.toString(), "--input", frames.toString());
            assertEquals(0, run.exitCode(), run.err());
            final JsonNode samples = JSON.readTree(run.out().strip()).get("samples");
            for (final String integer : new String[] {"Gear", "Engine_RPM", "GearU8", "GearI16", "RpmU32", "RpmI64"})
            {
                assertTrue(samples.get(integer).isIntegralNumber(), integer + " in " + run.out());
            }
            assertEquals(4, samples.get("Gear").asLong(), run.out());
            assertEquals(-1, samples.get("GearI16").asLong(), run.out());
            assertEquals(11000, samples.get("Engine_RPM").asLong(), run.out());
            assertEquals(22000, samples.get("RpmI64").asLong(), run.out());
            assertTrue(samples.get("Speed").isDouble(), run.out());
            assertEquals(250.0, samples.get("Speed").asDouble(), run.out());
            // The float stored, printed as its shortest text (as the gateway's JSON output prints an f32 sample).
            assertEquals(400.1f, (float)samples.get("Torque_Nm").asDouble(), run.out());
            assertTrue(run.out().contains("\"Torque_Nm\":400.1,"), run.out());
            // A derived f32 channel too: 1200.3000183105469 in doubles, 1200.3 as the float it is stored as.
            assertTrue(run.out().contains("\"TorqueF32\":1200.3}"), run.out());
            assertTrue(samples.get("Half").isDouble(), run.out());
            assertTrue(samples.get("DRS_Open").isBoolean() && samples.get("Open").isBoolean(), run.out());
        }
    }

    @Test
    void shouldRefuseASampleTheGatewayWouldRefuseRatherThanEchoIt() throws IOException
    {
        // Speed is kept by the whitelist but read by no formula: its value is still checked, as the gateway does.
        final String good = "{\"sequence\":1,\"timestamp_us\":1000,\"samples\":{\"Speed\":250.5}}\n";
        final String[][] cases = {
            {"1e400", "samples.Speed: channel 'Speed' value 1e400 is outside its range [0, 400] km/h"},
            {"\"fast\"", "samples.Speed: "},
            {"true", "samples.Speed: "},
        };
        for (final String[] bad : cases)
        {
            final Path frames = dir.resolve("frames.jsonl");
            Files.writeString(frames, good + good.replace("250.5", bad[0]));
            final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(),
                "--input", frames.toString());
            assertEquals(1, run.exitCode(), bad[0] + ": " + run.out() + run.err());
            assertTrue(run.err().startsWith(frames + ":2: " + bad[1]), bad[0] + ": " + run.err());
            assertEquals(1, run.out().lines().count(), "only the good frame: " + run.out());
            assertFalse(run.out().contains("Infinity") || run.out().contains("fast"), run.out());
        }
    }

    @Test
    void shouldReportABadFrameWithItsLineNumber() throws IOException
    {
        final Path frames = dir.resolve("bad.jsonl");
        Files.writeString(frames, "{\"timestamp_us\":1,\"samples\":{}}\n{\"timestamp_us\":2,\"samples\":{\"Sped\":1}}\n");
        final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(), "--input",
            frames.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("bad.jsonl:2: samples.Sped: unknown channel"), run.err());
    }

    /** A frame's sequence, timestamp and lap number are checked by the gateway's decoder too, not only its samples. */
    @Test
    void shouldRefuseTheFrameNumbersTheGatewayRefuses() throws IOException
    {
        final String samples = ",\"samples\":{\"Speed\":1}}";
        final Map<String, String> refusals = Map.of(
            "{\"sequence\":1e30,\"timestamp_us\":1" + samples,
            "sequence: sequence must be between 0 and 9007199254740991, was 1e30 [INVALID_VALUE]",
            "{\"sequence\":-1,\"timestamp_us\":1" + samples, "sequence: sequence must be between 0 and",
            "{\"timestamp_us\":-5" + samples, "timestamp_us: timestamp_us must be between 0 and",
            "{\"sequence\":1,\"timestamp_us\":1,\"lap_number\":70000,\"samples\":{}}",
            "lap_number: lap_number must be between 0 and 65534, was 70000 [INVALID_VALUE]");
        for (final Map.Entry<String, String> refusal : refusals.entrySet())
        {
            final Path frames = Files.writeString(dir.resolve("frames.jsonl"), refusal.getKey() + "\n");
            final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(),
                "--input", frames.toString());
            assertEquals(1, run.exitCode(), refusal.getKey() + ": " + run.out());
            assertTrue(run.err().contains("frames.jsonl:1: " + refusal.getValue()), run.err());
        }
    }

    /**
     * A frame's members are the gateway's to judge as written: a member a frame does not have, one given twice, or a
     * second frame on the line. Before, eval kept the last of a repeated member, ignored an unknown one and what
     * followed a line's frame, and printed results for frames the gateway refuses.
     */
    @Test
    void shouldRefuseTheFrameMembersTheGatewayRefuses() throws IOException
    {
        final String frame = "{\"timestamp_us\":1,\"samples\":{\"Speed\":1}";
        final Map<String, String> refusals = Map.of(
            "{\"timestamp_us\":1,\"timestamp_us\":5,\"samples\":{\"Speed\":1}}",
            "timestamp_us: field 'timestamp_us' appears twice [DUPLICATE_FIELD]",
            frame + ",\"samples\":{}}", "samples: field 'samples' appears twice [DUPLICATE_FIELD]",
            frame + ",\"speed\":2}", "speed: field 'speed' is not part of a frame",
            frame + "} " + frame + "}", "not valid JSON: Trailing token");
        for (final Map.Entry<String, String> refusal : refusals.entrySet())
        {
            final Path frames = Files.writeString(dir.resolve("frames.jsonl"), refusal.getKey() + "\n");
            final CliRun run = CliRun.of("manifest", "eval", EXAMPLES.resolve("valid/pipeline.yaml").toString(),
                "--input", frames.toString());
            assertEquals(1, run.exitCode(), refusal.getKey() + ": " + run.out());
            assertEquals("", run.out(), refusal.getKey());
            assertTrue(run.err().contains("frames.jsonl:1: " + refusal.getValue()), run.err());
        }
    }

    /**
     * A character the formula language does not have is named whole, with its code point. Before, half an emoji was
     * printed ('?' on a terminal) and a no-break space pasted with a formula looked like the space it is not.
     */
    @Test
    void shouldNameAnUnexpectedCharacterWholeWithItsCodePoint() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("characters.yaml"), String.join("\n",
            "version: v1",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - name: Emoji",
            "        expr: \"Speed + \uD83D\uDE00\"",
            "      - name: Pasted",
            "        expr: \"Speed\u00A0* 2\"",
            ""));
        final CliRun run = CliRun.of("manifest", "check", file.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains(file + ":6:24: unexpected character '\uD83D\uDE00' (U+1F600)"), run.err());
        assertTrue(run.err().contains(file + ":8:21: unexpected character '\u00A0' (U+00A0)"), run.err());
    }

    /** The problems {@code manifest check} of {@code file} located in it (its exit status 1 checked). */
    private static List<String> locatedProblems(final CliRun run, final Path file)
    {
        assertEquals(1, run.exitCode(), run.out() + run.err());
        return run.err().lines().filter(line -> line.startsWith(file + ":")).collect(Collectors.toList());
    }
}
