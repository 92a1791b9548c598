package io.pitgun.cli;

import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.SimV1Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal tools judge which channels are restricted by the dictionary the journal was written with. A gateway
 * with a dictionary of its own ({@code team.v1}: sim.v1 with {@code Engine_RPM} restricted) journals Engine_RPM;
 * {@code journal dump}, {@code journal export} and {@code journal replay} used to fall back to sim.v1, where it is
 * public, and wrote its values in their default output, which docs/security.md says is safe to paste anywhere.
 */
class JournalToolsDictionaryTest
{
    private static final String SESSION = "3c1f0d7e-9a52-4e1b-8f0a-2b6d4c8e1a90";
    private static final String RPM = "11111";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRefuseADictionaryOtherThanTheJournalsAndLeaveItsRestrictedChannelsOut() throws Exception
    {
        final Path sim = SimV1Variant.write(dir.resolve("sim.v1.yaml"), "sim.v1");
        final Path team = SimV1Variant.write(dir.resolve("team.v1.yaml"), "team.v1", "Engine_RPM");

        final Path data = dir.resolve("data");
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.DICTIONARY, team.toString(),
            GatewaySetting.RESTRICTED_CLIENTS, "127.0.0.1")))
        {
            final String envelope = EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:00:00Z", SESSION,
                "telemetry.sample_batch") + "\"payload\":{\"frames\":[{\"sequence\":1,\"timestamp_us\":" +
                "1775908800000000,\"lap_number\":1,\"samples\":{\"Speed\":100.5,\"Engine_RPM\":" + RPM + "}}]}}";
            final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.address().getPort() + "/beacon"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), response.body());
        }
        final String journal = data.resolve("journal").toString();

        final CliRun unshipped = CliRun.of("journal", "dump", journal);
        assertEquals(1, unshipped.exitCode(), unshipped.out());
        assertTrue(unshipped.err().contains("the journal was written with dictionary 'team.v1', which this build " +
            "does not ship; give it with --dictionary FILE"), unshipped.err());
        assertFalse(unshipped.out().contains(RPM), unshipped.out());

        final CliRun other = CliRun.of("journal", "dump", journal, "--dictionary", sim.toString());
        assertEquals(1, other.exitCode(), other.out());
        assertTrue(other.err().contains("the journal was written with dictionary 'team.v1', not 'sim.v1' " +
            "(--dictionary " + sim + ")"), other.err());
        assertFalse(other.out().contains(RPM), other.out());

        final CliRun own = CliRun.of("journal", "dump", journal, "--dictionary", team.toString());
        assertEquals(0, own.exitCode(), own.err());
        assertTrue(own.out().contains("\"Speed\":100.5"), own.out());
        assertFalse(own.out().contains("Engine_RPM") || own.out().contains(RPM), own.out());
        assertTrue(own.err().contains("left out 1 sample(s) of restricted or internal channels"), own.err());
        final CliRun all = CliRun.of("journal", "dump", journal, "--dictionary", team.toString(),
            "--include-restricted");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("\"Engine_RPM\":" + RPM), all.out());

        final Path refusedExport = dir.resolve("export-refused");
        final CliRun exportUnshipped =
            CliRun.of("journal", "export", journal, "--format", "csv", "--out", refusedExport.toString());
        assertEquals(1, exportUnshipped.exitCode(), exportUnshipped.out());
        assertTrue(exportUnshipped.err().contains("which this build does not ship"), exportUnshipped.err());
        assertFalse(Files.exists(refusedExport) && contains(refusedExport, RPM));
        final Path export = dir.resolve("export");
        final CliRun exportOwn = CliRun.of("journal", "export", journal, "--format", "csv", "--out",
            export.toString(), "--dictionary", team.toString());
        assertEquals(0, exportOwn.exitCode(), exportOwn.err());
        assertTrue(exportOwn.out().contains("exported 1 frame ("), exportOwn.out());
        assertFalse(contains(export, "Engine_RPM") || contains(export, RPM), "an exported file names Engine_RPM");

        final Path manifest = dir.resolve("m.yaml");
        Files.writeString(manifest, resource("examples/pipeline-manifest/v1/valid/demo-reference.yaml"),
            StandardCharsets.UTF_8);
        final Path replayed = dir.resolve("replay.jsonl");
        final CliRun replay = CliRun.of("journal", "replay", journal, "--manifest", manifest.toString(), "--out",
            replayed.toString());
        assertEquals(1, replay.exitCode(), replay.out());
        // Passed over, not read with sim.v1's levels: nothing of the journal is replayed (ManifestLoaded, the frame
        // and PipelineDrained, the gateway's stop).
        assertTrue(replay.err().contains(": NOT REPLAYED: 3 messages written with another dictionary, the first: " +
            "journal entry ") && replay.err().contains("written with dictionary 'team.v1', not 'sim.v1' " +
            "(this pipeline's)"), replay.err());
        assertFalse(Files.exists(replayed) && Files.readString(replayed).contains(RPM));
    }

    /**
     * The journal records its dictionary's meaning, not only its name: {@code team.v1} edited under its own name
     * (Engine_RPM made public again) is refused for frames journaled while Engine_RPM was restricted. Before, the
     * name matched and {@code journal dump --dictionary edited} printed Engine_RPM's values, exit 0, as did export.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRefuseTheJournalsDictionaryEditedUnderItsOwnName() throws Exception
    {
        final Path team = SimV1Variant.write(dir.resolve("team.v1.yaml"), "team.v1", "Engine_RPM");
        final Path edited = SimV1Variant.write(dir.resolve("team.v1-edited.yaml"), "team.v1");
        final Path data = dir.resolve("data");
        journalOneFrame(data, team, 1);
        final String journal = data.resolve("journal").toString();

        final CliRun dump = CliRun.of("journal", "dump", journal, "--dictionary", edited.toString());
        assertEquals(1, dump.exitCode(), dump.out() + dump.err());
        assertTrue(dump.err().contains("the journal was written with dictionary 'team.v1' meaning other channels " +
            "(meaning SHA-256 " + meaning(team) + ") than 'team.v1' (--dictionary " + edited + ", meaning SHA-256 " +
            meaning(edited) + "): edited under the same name"), dump.err());
        assertFalse(dump.out().contains(RPM), dump.out());

        final Path export = dir.resolve("export");
        final CliRun exported = CliRun.of("journal", "export", journal, "--format", "csv", "--out",
            export.toString(), "--dictionary", edited.toString());
        assertEquals(1, exported.exitCode(), exported.out() + exported.err());
        assertTrue(exported.err().contains("edited under the same name"), exported.err());
        assertFalse(Files.exists(export) && contains(export, RPM));

        final CliRun own = CliRun.of("journal", "dump", journal, "--dictionary", team.toString());
        assertEquals(0, own.exitCode(), own.err());
        assertTrue(own.out().contains("\"dictionary_name\":\"team.v1\",\"dictionary_meaning_sha256\":\"" +
            meaning(team) + "\""), own.out());
        assertFalse(own.out().contains(RPM), own.out());
    }

    /**
     * A journal written with one dictionary, then (a restart) with it edited under the same name: each part is read
     * with its own, chosen by {@code --from}/{@code --to}; the whole with either is refused, naming where each part
     * starts. Before, only the first {@code ManifestLoaded} was compared, so the first part's dictionary read the
     * second part's frames.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReadEachPartOfAJournalWrittenWithTwoDictionariesWithItsOwn() throws Exception
    {
        final Path team = SimV1Variant.write(dir.resolve("team.v1.yaml"), "team.v1", "Engine_RPM");
        final Path edited = SimV1Variant.write(dir.resolve("team.v1-edited.yaml"), "team.v1", "Speed");
        final Path data = dir.resolve("data");
        journalOneFrame(data, team, 1);
        journalOneFrame(data, edited, 2);
        final String journal = data.resolve("journal").toString();

        final CliRun whole = CliRun.of("journal", "dump", journal, "--dictionary", team.toString());
        assertEquals(1, whole.exitCode(), whole.out() + whole.err());
        assertTrue(whole.err().contains("it was written with 2 dictionaries"), whole.err());
        assertFalse(whole.out().contains(RPM), whole.out());

        // The refusal names where each part starts: "... from index 0, team.v1 (meaning SHA-256 ...) from index N]".
        final java.util.regex.Matcher starts = java.util.regex.Pattern.compile("from index (\\d+)")
            .matcher(whole.err().substring(whole.err().indexOf("it was written with 2 dictionaries")));
        assertTrue(starts.find() && starts.find(), whole.err());
        final long restart = Long.parseLong(starts.group(1));
        final CliRun first = CliRun.of("journal", "dump", journal, "--dictionary", team.toString(), "--to",
            Long.toString(restart - 1));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("\"sequence\":1"), first.out());
        assertFalse(first.out().contains(RPM), first.out());
        final CliRun second = CliRun.of("journal", "dump", journal, "--dictionary", edited.toString(), "--from",
            Long.toString(restart));
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("\"Engine_RPM\":" + RPM), second.out());
        assertFalse(second.out().contains("\"sequence\":1,"), second.out());
        // --to the second part's ManifestLoaded itself: that entry governs nothing dumped (a review found it refused).
        final CliRun toTheRestart = CliRun.of("journal", "dump", journal, "--dictionary", team.toString(), "--to",
            Long.toString(restart));
        assertEquals(0, toTheRestart.exitCode(), toTheRestart.err());
        final CliRun secondWithFirsts = CliRun.of("journal", "dump", journal, "--dictionary", team.toString(),
            "--from", Long.toString(restart));
        assertEquals(1, secondWithFirsts.exitCode(), secondWithFirsts.out());
        assertFalse(secondWithFirsts.out().contains(RPM), secondWithFirsts.out());
    }

    private static String meaning(final Path dictionary)
    {
        final CliRun check = CliRun.of("dictionary", "check", dictionary.toString());
        assertEquals(0, check.exitCode(), check.err());
        final int at = check.out().indexOf("meaning SHA-256 ");
        assertTrue(at >= 0, check.out());
        return check.out().substring(at + "meaning SHA-256 ".length()).trim();
    }

    /** Starts a gateway on {@code data} with {@code dictionary}, journals one frame (Speed, Engine_RPM), stops it. */
    private static void journalOneFrame(final Path data, final Path dictionary, final int sequence) throws Exception
    {
        try (GatewayServer gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.DICTIONARY,
            dictionary.toString(), GatewaySetting.RESTRICTED_CLIENTS, "127.0.0.1")))
        {
            final String envelope = EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:00:00Z", SESSION,
                "telemetry.sample_batch") + "\"payload\":{\"frames\":[{\"sequence\":" + sequence +
                ",\"timestamp_us\":" + (1775908800000000L + sequence) + ",\"lap_number\":1,\"samples\":" +
                "{\"Speed\":100.5,\"Engine_RPM\":" + RPM + "}}]}}";
            final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.address().getPort() + "/beacon"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), response.body());
        }
    }

    private static String resource(final String name) throws IOException
    {
        try (InputStream in = JournalToolsDictionaryTest.class.getClassLoader().getResourceAsStream(name))
        {
            assertTrue(in != null, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** True when a regular file under {@code root} holds {@code text}. */
    private static boolean contains(final Path root, final String text) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : (Iterable<Path>)files.filter(Files::isRegularFile)::iterator)
            {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
