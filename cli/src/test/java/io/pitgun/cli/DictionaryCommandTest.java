package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun dictionary check} and {@code pitgun dictionary import} on the seed's registry file, through picocli. */
class DictionaryCommandTest
{
    private static final Path F1_GENERIC = Path.of("..", "datasets", "registries", "f1_generic.yaml");

    @TempDir
    Path dir;



    @Test
    void shouldCheckTheSeedRegistryAndPrintItsDefaultsAsWarnings()
    {
        final CliRun run = CliRun.of("dictionary", "check", F1_GENERIC.toString());

        assertEquals(0, run.exitCode(), run.err());
        final String[] lines = run.out().trim().split("\n");
        assertEquals(F1_GENERIC + ": OK, dictionary 'f1-generic-registry', 2 channels, 3 warnings", lines[0].trim());
        assertTrue(lines[1].trim().matches("meaning SHA-256 [0-9a-f]{64}"), run.out());
        assertTrue(run.err().contains(F1_GENERIC + ": warning: no access level, public assumed for 2 entries"),
            run.err());
    }

    @Test
    void shouldImportTheSeedRegistryIntoADictionaryThatReadsBackWithoutWarnings() throws IOException
    {
        final Path out = dir.resolve("f1.yaml");

        final CliRun run = CliRun.of("dictionary", "import", F1_GENERIC.toString(), "--output", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        final String yaml = Files.readString(out);
        assertTrue(yaml.startsWith("schema_version: metrics-dictionary/v1\nname: f1-generic-registry\n"), yaml);
        final ParameterRegistry imported = ParameterRegistry.load(out);
        assertEquals(ParameterRegistry.load(F1_GENERIC).parameters(), imported.parameters());
        assertTrue(imported.warnings().isEmpty(), imported.warnings().toString());
        assertEquals(0, CliRun.of("dictionary", "check", out.toString()).exitCode());

        final CliRun again = CliRun.of("dictionary", "import", F1_GENERIC.toString(), "-o", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists; not replaced"), again.err());
        assertEquals(yaml, Files.readString(out));
    }

    /**
     * A dictionary's own document imported reads back: the shipped sim.v1's unit "1" (gear, counts) was written
     * unquoted, read back as a number, and the schema refused the file.
     */
    @Test
    void shouldImportTheShippedDictionaryIntoAFileThatReadsBackAsTheSame() throws IOException
    {
        final Path shipped = dir.resolve("sim.v1.yaml");
        try (java.io.InputStream in = ParameterRegistry.class.getClassLoader()
            .getResourceAsStream(ParameterRegistry.SIM_V1_RESOURCE))
        {
            Files.write(shipped, in.readAllBytes());
        }
        final Path out = dir.resolve("imported.yaml");

        final CliRun run = CliRun.of("dictionary", "import", shipped.toString(), "--output", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.readString(out).contains("unit: \"1\""), Files.readString(out));
        final CliRun check = CliRun.of("dictionary", "check", out.toString());
        assertEquals(0, check.exitCode(), check.err());
        assertEquals(ParameterRegistry.simV1().parameters(), ParameterRegistry.load(out).parameters());
    }

    @Test
    void shouldImportToStandardOutput()
    {
        final CliRun run = CliRun.of("dictionary", "import", F1_GENERIC.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("dimension: angular_velocity"), run.out());
    }

    @Test
    void shouldReportEveryProblemAtOnceEachWithItsLineAndACaret() throws IOException
    {
        // A schema problem (an unknown unit) does not hide the checks a schema cannot make.
        final Path file = dir.resolve("mine.yaml");
        Files.writeString(file, String.join("\n",
            "schema_version: metrics-dictionary/v1",
            "name: mine",
            "parameters:",
            "  - { id: 1, name: A, unit: rpm, data_type: u16, range: { min: 0, max: 10 }, dimension: angular_velocity, access: public }",
            "  - { id: 1, name: a, unit: rpm, data_type: u16, range: { min: 5, max: 1 }, dimension: angular_velocity, access: public }",
            "  - { id: 3, name: C, unit: furlongs, data_type: u16, range: { min: 0, max: 1 }, dimension: angular_velocity, access: public }",
            ""));

        final CliRun run = CliRun.of("dictionary", "check", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final String entry = "  - { id: 1, name: a, unit: rpm, data_type: u16, range: { min: 5, max: 1 }, " +
            "dimension: angular_velocity, access: public }";
        assertTrue(run.err().contains(file + ":6:"), "the schema problem: " + run.err());
        assertTrue(run.err().contains(file + ":5:11: parameters[1] 'a': duplicate id 1 (already used by 'A')\n    " +
            entry + "\n              ^\n"), run.err());
        assertTrue(run.err().contains(file + ":5:20: parameters[1] 'a': duplicate name"), run.err());
        assertTrue(run.err().contains(file + ":5:57: parameters[1] 'a': empty range"), run.err());
        assertEquals(4, run.err().lines().filter(line -> line.startsWith(file + ":")).count(), run.err());
        assertEquals(4, run.err().lines().filter(line -> line.trim().equals("^")).count(), run.err());
    }

    @Test
    void shouldRefuseABrokenRegistryNamingEachProblem() throws IOException
    {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "version: \"1\"\nname: \"Bad\"\nparameters:\n" +
            "  - { id: 1, name: \"A\", unit: \"rpm\", data_type: u8, range: { min: 0, max: 10 } }\n" +
            "  - { id: 1, name: \"B\", unit: \"rpm\", data_type: u8, range: { min: 0, max: 10 } }\n");

        final CliRun run = CliRun.of("dictionary", "check", file.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(file + ":5:11: parameters[1] 'B': duplicate id 1"), run.err());
    }
}
