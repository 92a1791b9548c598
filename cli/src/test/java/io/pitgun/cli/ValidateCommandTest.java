package io.pitgun.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun validate} over every shipped example: valid ones exit 0, invalid ones exit 1 naming the location. */
class ValidateCommandTest
{
    private static final Path EXAMPLES = Path.of("..", "schemas", "src", "main", "resources", "examples");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyValidExampleExitsZero() throws IOException
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final Path file : examples("valid"))
        {
            tests.add(DynamicTest.dynamicTest(EXAMPLES.relativize(file).toString(), () ->
            {
                final CliRun run = CliRun.of("validate", file.toString());
                assertEquals(0, run.exitCode(), run.err());
                assertTrue(run.out().contains(": valid "), run.out());
            }));
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyInvalidExampleExitsOneNamingTheLocation() throws IOException
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final Path file : examples("invalid"))
        {
            final Properties expected = new Properties();
            try (Reader reader = Files.newBufferedReader(file.resolveSibling("expected-errors.properties")))
            {
                expected.load(reader);
            }
            final String pointer = expected.getProperty(file.getFileName().toString());
            tests.add(DynamicTest.dynamicTest(EXAMPLES.relativize(file).toString(), () ->
            {
                final CliRun run = CliRun.of("validate", file.toString());
                assertEquals(1, run.exitCode(), run.out() + run.err());
                // file:line:column: pointer: reason
                final String located = file + ":";
                assertTrue(run.err().contains(located), run.err());
                final String where = pointer == null || pointer.isEmpty() ? "(document)" : OneLine.of(pointer);
                assertTrue(run.err().contains(": " + where + ": ") || run.err().contains(": " + where + "/"),
                    "expected a problem at " + where + " in:\n" + run.err());
                assertTrue(run.err().lines().anyMatch(line -> line.trim().equals("^")), "caret line in:\n" + run.err());
            }));
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    @Test
    void shouldRunDictionaryChecksOnSchemaValidEnvelopes() throws IOException
    {
        final Path file = dir.resolve("unknown-channel.json");
        final String valid = Files.readString(EXAMPLES.resolve("pitgun-envelope/v1/valid/beacon.json"));
        Files.writeString(file, valid.replaceFirst("\"Engine_RPM\"", "\"Engine_RMP\""));
        final CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("unknown channel 'Engine_RMP'"), run.err());
        assertTrue(run.err().contains("did you mean Engine_RPM"), run.err());
        assertTrue(run.err().contains("[UNKNOWN_CHANNEL]"), run.err());
    }

    @Test
    void shouldRunTheManifestChecksOfManifestCheckOnSchemaValidManifests()
    {
        final Path file = Path.of("..", "manifest-jit", "src", "test", "resources", "manifests", "invalid",
            "unknown-channel.yaml");

        final CliRun run = CliRun.of("validate", file.toString());
        final CliRun check = CliRun.of("manifest", "check", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertFalse(run.out().contains(": valid"), run.out());
        assertTrue(run.err().contains("unknown channel 'Engine_RMP'"), run.err());
        assertTrue(run.err().contains(file + ": INVALID pipeline-manifest/v1"), run.err());
        assertTrue(run.err().startsWith(check.err().trim()), "the same report as manifest check:\n" + run.err() +
            "\nmanifest check:\n" + check.err());
    }

    @Test
    void shouldReportEachSchemaProblemOfAManifestOnceAsManifestCheckDoes() throws IOException
    {
        // Each stage is checked against every stage type the schema allows; a wrong value is still one problem.
        final Path file = dir.resolve("stages.yaml");
        Files.writeString(file, "version: v1\npipeline: [[1], 2, \"x\"]\n");

        final CliRun run = CliRun.of("validate", file.toString());
        final CliRun check = CliRun.of("manifest", "check", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final List<String> located = run.err().lines().filter(line -> line.startsWith(file + ":2:")).toList();
        assertEquals(List.of(
            file + ":2:12: /pipeline/0: array found, object expected",
            file + ":2:17: /pipeline/1: integer found, object expected",
            file + ":2:20: /pipeline/2: string found, object expected"), located, run.err());
        assertTrue(run.err().contains(file + ": INVALID pipeline-manifest/v1 (3 problems)"), run.err());
        assertEquals(located.size(), check.err().lines().filter(line -> line.startsWith(file + ":2:")).count(),
            check.err());
    }

    @Test
    void shouldLocateADictionarysSemanticProblems() throws IOException
    {
        final Path file = dir.resolve("dictionary.yaml");
        Files.writeString(file, String.join("\n",
            "schema_version: metrics-dictionary/v1",
            "name: mine",
            "parameters:",
            "  - { id: 1, name: A, unit: rpm, data_type: u16, range: { min: 0, max: 10 }, dimension: angular_velocity, access: public }",
            "  - { id: 1, name: B, unit: rpm, data_type: u16, range: { min: 5, max: 1 }, dimension: angular_velocity, access: public }",
            ""));

        final CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(file + ":5:11: parameters[1] 'B': duplicate id 1"), run.err());
        assertTrue(run.err().contains(file + ":5:57: parameters[1] 'B': empty range"), run.err());
    }

    /**
     * A schema problem does not hide the checks a schema cannot make: validate reports a dictionary as {@code
     * dictionary check} does, every problem at once. Before, it stopped at the schema problem (an unknown unit).
     */
    @Test
    void shouldReportEveryProblemOfADictionaryAsDictionaryCheckDoes() throws IOException
    {
        final Path file = dir.resolve("dictionary.yaml");
        Files.writeString(file, String.join("\n",
            "schema_version: metrics-dictionary/v1",
            "name: mine",
            "parameters:",
            "  - { id: 1, name: A, unit: rpm, data_type: u16, range: { min: 0, max: 10 }, dimension: angular_velocity, access: public }",
            "  - { id: 1, name: a, unit: rpm, data_type: u16, range: { min: 5, max: 1 }, dimension: angular_velocity, access: public }",
            "  - { id: 3, name: C, unit: furlongs, data_type: u16, range: { min: 0, max: 1 }, dimension: angular_velocity, access: public }",
            ""));

        final CliRun run = CliRun.of("validate", file.toString());
        final CliRun check = CliRun.of("dictionary", "check", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final List<String> located = run.err().lines().filter(line -> line.startsWith(file + ":")).toList();
        assertEquals(check.err().lines().filter(line -> line.startsWith(file + ":5:")).toList(),
            located.stream().filter(line -> line.startsWith(file + ":5:")).toList(), run.err());
        assertEquals(3, located.stream().filter(line -> line.startsWith(file + ":5:")).count(), run.err());
        assertTrue(run.err().contains(file + ":6:29: /parameters/2/unit: "), "the schema problem: " + run.err());
        assertEquals(file + ": INVALID metrics-dictionary/v1 (4 problems)", located.get(located.size() - 1));
    }

    /**
     * A member name with a line break is reported on one line, the break written as an escape: it split the report
     * line in two (the pointer and the message each held the raw newline).
     */
    @Test
    void shouldReportANameWithALineBreakOnOneLine()
    {
        final Path file = EXAMPLES.resolve("pitgun-envelope/v1/invalid/channel-name-with-trailing-newline.json");

        final CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final String first = run.err().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith(file + ":22:27: /payload/frames/0/samples/Engine_RPM\\n: property " +
            "'Engine_RPM\\n' name is not valid"), run.err());
    }

    @Test
    void shouldReportABadTimestampOnceInWords() throws IOException
    {
        final Path file = dir.resolve("bad-ts.json");
        final String valid = Files.readString(EXAMPLES.resolve("pitgun-envelope/v1/valid/beacon.json"));
        Files.writeString(file, valid.replaceFirst("\"ts\": *\"[^\"]*\"", "\"ts\": \"yesterday\""));

        final CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().lines().filter(line -> line.contains(": /ts: ")).count(), run.err());
        assertTrue(run.err().contains(": /ts: is not a valid date-time: must be a valid RFC 3339 date-time"), run.err());
        assertFalse(run.err().contains("regex"), run.err());
        assertTrue(run.err().contains("INVALID pitgun-envelope/v1 (1 problem)"), run.err());
    }

    @Test
    void shouldSayOnceThatItCannotTellTheContract() throws IOException
    {
        final Path file = dir.resolve("none.json");
        Files.writeString(file, "{\"hello\": 1}\n");

        final CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final String phrase = "cannot tell which contract this document follows";
        assertEquals(run.err().indexOf(phrase), run.err().lastIndexOf(phrase), run.err());
        assertTrue(run.err().contains(phrase), run.err());
    }

    /** YAML reads 1e999999 as Infinity: it said {@code found 'version: "Infinity"'}, which the file does not say. */
    @Test
    void shouldNameAVersionNumberOutOfRangeAsSuch() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("m.yaml"), "version: 1e999999\nname: x\npipeline: []\n");

        final CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("found a 'version' number out of range but neither"), run.err());
        assertFalse(run.err().contains("Infinity"), run.err());
    }

    @Test
    void shouldReportSyntaxErrorsWithLineAndColumn() throws IOException
    {
        final Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\n  \"schema_version\": \"pitgun-envelope-v1\",\n  \"event_id\": tru\n}\n");
        final CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(file + ":3:"), run.err());
    }

    @Test
    void shouldLocateNestingTooDeepInWordsOfItsOwn() throws IOException
    {
        final String open = "[".repeat(1200);
        final String close = "]".repeat(1200);
        final Path json = dir.resolve("deep.json");
        Files.writeString(json, "{\"version\": \"v1\", \"pipeline\": " + open + close + "}\n");
        final Path yaml = dir.resolve("deep.yaml");
        Files.writeString(yaml, "version: v1\npipeline: " + open + close + "\n");

        for (final Path file : List.of(json, yaml))
        {
            final CliRun run = CliRun.of("validate", file.toString());

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().matches("(?s)" + java.util.regex.Pattern.quote(file.toString()) +
                ":\\d+:\\d+: .*nested more than \\d+ levels deep.*\\n.*\\n *\\^\\s*"), run.err());
            assertFalse(run.err().contains("StreamReadConstraints"), run.err());
        }
    }

    @Test
    void shouldRefuseDocumentsThatClaimNoContract() throws IOException
    {
        final Path file = dir.resolve("mystery.json");
        Files.writeString(file, "{\"hello\": 1}");
        final CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("--schema"), run.err());
        assertEquals(0, CliRun.of("validate", "--schema", "pitgun-envelope/v1",
            EXAMPLES.resolve("pitgun-envelope/v1/valid/beacon.json").toString()).exitCode());
    }

    /** A --schema the catalog does not have, or not of the form NAME/VERSION, is a usage error (exit 2). */
    @Test
    void shouldRefuseAnUnknownSchemaAsAUsageError()
    {
        final String file = EXAMPLES.resolve("pitgun-envelope/v1/valid/beacon.json").toString();
        final CliRun unknown = CliRun.of("validate", "--schema", "pitgun-envelope/v9", file);
        assertEquals(CliErrorHandler.USAGE, unknown.exitCode(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("unknown schema pitgun-envelope/v9"), unknown.err());
        final CliRun malformed = CliRun.of("validate", "--schema", "envelope", file);
        assertEquals(CliErrorHandler.USAGE, malformed.exitCode(), malformed.out() + malformed.err());
        assertTrue(malformed.err().contains("--schema: schema id 'envelope' must be <name>/<version>"),
            malformed.err());
    }

    @Test
    void shouldReportMissingFileWithoutStackTrace()
    {
        final CliRun run = CliRun.of("validate", dir.resolve("nope.json").toString());
        assertEquals(1, run.exitCode());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    private static List<Path> examples(final String kind) throws IOException
    {
        try (Stream<Path> files = Files.walk(EXAMPLES))
        {
            return files.filter(f -> f.getParent().getFileName().toString().equals(kind))
                .filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                // Manifests are checked by `pitgun manifest check` too; validate covers their schema.
                .sorted()
                .toList();
        }
    }


}
