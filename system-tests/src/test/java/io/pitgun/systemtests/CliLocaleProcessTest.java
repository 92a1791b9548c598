package io.pitgun.systemtests;

import io.pitgun.testsupport.EnvelopeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI in a child JVM whose locale is {@code LC_ALL=C} (JDK 17's default charset then ASCII, as without
 * {@code LANG} or with a {@code LANG} not installed, most container images) and whose Java locale is German: what it
 * prints is UTF-8 and its numbers are as in every other locale. Before, {@code journal dump} printed a session's
 * label {@code Montréal — 東京} as {@code Montr?al ? ??} (exit 0) and {@code journal stats} printed 1,200 frames as
 * {@code 1.200}.
 */
class CliLocaleProcessTest
{
    private static final String LABEL = "Montréal — 東京 🏎 İıŞ";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldPrintUtf8AndTheSameNumbersUnderAnAsciiLocaleAndAGermanJavaLocale() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(202, gateway.beacon(EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:30:00Z", session,
                "session.start") + "\"payload\":{\"timestamp_us\":1775910600000000,\"label\":\"" + LABEL + "\"}}")
                .statusCode());
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, 0, 600)).statusCode());
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, 600, 600)).statusCode());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.logs());
        }
        final String journal = dataDir.resolve("journal").toString();

        final String dump = pitgun("journal", "dump", journal);
        assertTrue(dump.contains("\"label\":\"" + LABEL + "\""), dump.lines().findFirst().orElse(""));

        final String stats = pitgun("journal", "stats", journal);
        assertTrue(stats.contains("frames      1,200"), stats);
    }

    /** Stdout of {@code pitgun ARGS} in a child JVM under {@code LC_ALL=C} and Java's de_DE, which must be UTF-8. */
    private String pitgun(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        command.addAll(List.of("-Duser.language=de", "-Duser.country=DE", "-cp", System.getProperty("java.class.path"),
            "io.pitgun.cli.PitgunCommand"));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(key -> key.equals("LANG") || key.startsWith("LC_"));
        builder.environment().put("LC_ALL", "C");
        final Process process = builder.start();
        final byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "pitgun " + String.join(" ", args) + " did not end");
        assertEquals(0, process.exitValue(), "pitgun " + String.join(" ", args));
        try
        {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new AssertionError("pitgun " + String.join(" ", args) + " printed bytes that are not UTF-8", ex);
        }
    }
}
