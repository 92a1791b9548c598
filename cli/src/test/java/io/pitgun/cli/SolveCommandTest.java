package io.pitgun.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SolveCommandTest
{
    private static final String EXAMPLES = "examples/risk-analysis-request/v1/";

    @TempDir
    Path tempDir;


    @ParameterizedTest
    @ValueSource(strings = {"dry-race-enumerated.json", "wet-risk-given-strategies.json"})
    void shouldPrintValidResultIndependentOfThreadCount(final String example) throws IOException
    {
        final Path request = copyExample("valid/" + example);
        final CliRun oneThread = CliRun.of("solve", request.toString(), "--threads", "1");
        final CliRun twoThreads = CliRun.of("solve", request.toString(), "--threads", "2");

        assertEquals(0, oneThread.exitCode(), oneThread.err());
        assertEquals(oneThread.out(), twoThreads.out());
        assertEquals(
            "[]",
            SchemaCatalog.standard().validate(
                SchemaId.parse("simulation-result/v1"), new ObjectMapper().readTree(oneThread.out())).toString());
    }

    @Test
    void shouldReportSchemaViolationWithPointerAndLine() throws IOException
    {
        final CliRun run = CliRun.of("solve", copyExample("invalid/rain-probability-above-one.json").toString());

        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("/risk_factors/rain_probability_per_lap"), run.err());
        assertTrue(run.err().contains("\"rain_probability_per_lap\": 1.2"), run.err());
    }

    @Test
    void shouldReportSolverCheckTheSchemaCannotExpress() throws IOException
    {
        final Path request = copyExample("valid/wet-risk-given-strategies.json");
        Files.writeString(request, Files.readString(request).replace("\"shower_max_laps\": 12", "\"shower_max_laps\": 2"));

        final CliRun run = CliRun.of("solve", request.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("/base_config/weather/shower_max_laps: must be at least shower_min_laps"), run.err());
    }

    @Test
    void shouldRefuseALoneSurrogateInAStrategyNameWithItsLocation() throws IOException
    {
        // JSON can escape half a surrogate pair; that is no character, and no UTF-8 output could hold it.
        final Path request = copyExample("valid/wet-risk-given-strategies.json");
        Files.writeString(request, Files.readString(request)
            .replace("\"name\": \"one-stop medium-hard\"", "\"name\": \"\\ud800abc\""));
        final Path output = tempDir.resolve("out.json");

        final CliRun run = CliRun.of("solve", request.toString(), "-o", output.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains(":85:15: /strategies/0/name: unpaired surrogate \\ud800 at character 0"), run.err());
        assertFalse(Files.exists(output));
        final CliRun toStdout = CliRun.of("solve", request.toString());
        assertEquals(1, toStdout.exitCode());
        assertEquals("", toStdout.out());
    }

    @Test
    void shouldRejectZeroThreads() throws IOException
    {
        final CliRun run = CliRun.of("solve", copyExample("valid/wet-risk-given-strategies.json").toString(), "--threads", "0");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--threads must be at least 1"), run.err());
    }

    private Path copyExample(final String name) throws IOException
    {
        final Path target = tempDir.resolve(name.substring(name.indexOf('/') + 1));
        try (InputStream in = SolveCommandTest.class.getClassLoader().getResourceAsStream(EXAMPLES + name))
        {
            Files.copy(in, target);
        }
        return target;
    }

}
