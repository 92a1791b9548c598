package io.pitgun.cli;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun journal replay} on a journal written by an embedded pipeline. */
class JournalReplayCommandTest
{
    private static final String LIVE_MANIFEST = String.join("\n",
        "version: v1",
        "name: live",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - { channel: Power_kW, stats: [max] }",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
        "");
    private static final String OTHER_MANIFEST = String.join("\n",
        "version: v1",
        "name: other",
        "pipeline:",
        "  - type: filter",
        "    where: \"Speed > 150\"",
        "");

    /** Reads a restricted (Engine_Map) and an internal (MGUK_Power) channel, directly and through derived ones. */
    private static final String RESTRICTED_MANIFEST = String.join("\n",
        "version: v1",
        "name: restricted",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Speed_Twice, expr: \"Speed * 2\", unit: km/h }",
        "      - { name: Map_Twice, expr: \"Engine_Map * 2\", unit: \"1\" }",
        "      - { name: MGUK_Tenth, expr: \"MGUK_Power / 10\", unit: kW }",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - { channel: Speed, stats: [max] }",
        "      - { channel: Engine_Map, stats: [max] }",
        "      - { channel: Map_Twice, stats: [max] }",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
        "");

    @TempDir
    Path dir;

    @Test
    void shouldLeaveRestrictedAndInternalChannelsOutOfOutputFilesUnlessAskedToIncludeThem() throws Exception
    {
        final Path manifest = write("restricted.yaml", RESTRICTED_MANIFEST);
        final Path journal = dir.resolve("journal");
        final Path liveOutput = dir.resolve("live.jsonl");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest).config(PipelineConfig.builder()
            .journalDirectory(journal).ackMode(AckMode.JOURNALED).jsonLinesFile(liveOutput).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 3);
            for (int i = 0; i < 300; i++)
            {
                writer.begin(i, 1_000_000L * 1_000 + i * 1_000L).lapNumber(1 + i / 100)
                    .putDouble(3, 100 + i % 50).putLong(20, 7).putDouble(15, 83.25).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        // The live pipeline's output.json_lines, by default: public channels and what derives from them only.
        final String live = Files.readString(liveOutput, StandardCharsets.UTF_8);
        assertTrue(live.contains("\"Speed_Twice\":"), live.substring(0, 400));
        assertTrue(live.contains("\"insight_id\""), "the insights are written");
        for (final String hidden : List.of("Engine_Map", "Map_Twice", "MGUK_Power", "MGUK_Tenth", "83.25", "8.325"))
        {
            assertFalse(live.contains(hidden), hidden + " in the default output");
        }

        final String redacted = run(journal, manifest, dir.resolve("redacted.jsonl"));
        final String replayed = Files.readString(dir.resolve("redacted.jsonl"), StandardCharsets.UTF_8);
        assertEquals(live, replayed, "the replay's default output is the live default output");

        final String included = run(journal, manifest, dir.resolve("all.jsonl"), "--include-restricted");
        final String all = Files.readString(dir.resolve("all.jsonl"), StandardCharsets.UTF_8);
        assertTrue(all.contains("\"Map_Twice\":14"), all.substring(0, 400));
        assertTrue(all.contains("\"MGUK_Tenth\":8.325"), all.substring(0, 400));
        assertTrue(all.contains("\"Engine_Map\":{"), "the insights keep Engine_Map's statistics");
        assertEquals(digestOf(redacted), digestOf(included), "the digest covers the whole output either way");
    }

    @Test
    void shouldReplayAJournalToTheLiveDigestAndApplyAnotherManifest() throws Exception
    {
        final Path live = write("live.yaml", LIVE_MANIFEST);
        final Path other = write("other.yaml", OTHER_MANIFEST);
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(live).config(PipelineConfig.builder()
            .journalDirectory(journal).ackMode(AckMode.JOURNALED).outputDigest(true).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 3);
            for (int i = 0; i < 5_000; i++)
            {
                writer.begin(i, 1_000_000L * 1_000 + i * 1_000L).lapNumber(1 + i / 2_000)
                    .putDouble(3, 100 + i % 100).putLong(1, 8_000 + i % 500).putDouble(4, 250 + i % 7).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        final String liveDigest = pipeline.outputDigest().orElseThrow();

        final String first = run(journal, live, dir.resolve("a.jsonl"));
        // 5000 frames, the ManifestLoaded entry and the PipelineDrained one (the close drained)
        assertTrue(first.contains("replayed 5002 entries"), first);
        assertTrue(first.contains("output sha256: " + liveDigest), first);
        final List<String> lines = Files.readAllLines(dir.resolve("a.jsonl"), StandardCharsets.UTF_8);
        assertEquals(5_000 + 3, lines.size(), "5000 derived frames and 3 lap summaries");
        assertTrue(lines.get(0).contains("\"Power_kW\":"), lines.get(0));

        final String postMortem = run(journal, other, dir.resolve("b.jsonl"));
        assertTrue(postMortem.contains("derived frames 2450"), postMortem);
        assertNotEquals(digestOf(first), digestOf(postMortem));
    }

    @Test
    void shouldReplayTheWindowsOfAMergedStreamEndedIdleAsTheLiveRunEmittedThem() throws Exception
    {
        // max_sources 2: session A's merged stream (car 0, box 1) is ended as idle for session C's frame while A's
        // merge holds two windows; they are emitted into it then, live and in the replay given the same max_sources.
        // Before, both dropped them (too many sources) when they were emitted at the end, into a full table.
        final Path manifest = write("merge.yaml", String.join("\n", "version: v1", "name: merge", "pipeline:",
            "  - type: merge", "    sources: [0, 1]", "    window_us: 2000", ""));
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).maxSources(2)
                .outputDigest(true).build()).build();
        final long t0 = 1_767_225_600_000_000L;
        try
        {
            final UUID a = UUID.randomUUID();
            final UUID producer = UUID.randomUUID();
            final FrameWriter car = pipeline.newFrameWriter(a, producer, 0);
            final FrameWriter box = pipeline.newFrameWriter(a, producer, 1);
            car.begin(1, t0 + 1_000).putDouble(3, 101).commit();
            box.begin(1, t0 + 1_100).putDouble(7, 1).commit();
            car.begin(2, t0 + 3_000).putDouble(3, 102).commit();
            box.begin(2, t0 + 3_100).putDouble(7, 2).commit(); // the window at t0 emitted: A's stream starts
            car.begin(3, t0 + 5_000).putDouble(3, 103).commit(); // windows at 2 000 and 4 000 held: the box lags
            pipeline.newFrameWriter(UUID.randomUUID(), producer, 7).begin(1, t0 + 70_000_000L).putDouble(3, 1).commit();
            pipeline.newFrameWriter(UUID.randomUUID(), producer, 7).begin(1, t0 + 70_000_000L).putDouble(3, 2).commit();
        }
        finally
        {
            pipeline.close();
        }
        final String replayed = run(journal, manifest, dir.resolve("merge.jsonl"), "--config",
            write("two-sources.yaml", "max_sources: 2\n").toString());
        assertTrue(replayed.contains("frames processed 5, filtered 0, derived frames 5, insights 0, dropped 0"),
            replayed);
        assertTrue(replayed.contains("output sha256: " + pipeline.outputDigest().orElseThrow()), replayed);
    }

    @Test
    void shouldReportAMissingJournalWithoutAStackTrace() throws IOException
    {
        final Path live = write("live.yaml", LIVE_MANIFEST);
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new JournalReplayCommand())
            .setExecutionExceptionHandler(new CliErrorHandler()).setErr(new PrintWriter(err));
        final int status = cli.execute(dir.resolve("nothing-here").toString(), "--manifest", live.toString(),
            "--out", dir.resolve("x.jsonl").toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("nothing-here"), err.toString());
        assertTrue(!err.toString().contains("\tat "), err.toString());
    }

    /** A --config that is not text: said so, naming the file (it was Java's "Input length = 1"). */
    @Test
    void shouldNameAConfigurationThatIsNotUtf8Text() throws IOException
    {
        final Path live = write("live.yaml", LIVE_MANIFEST);
        final Path config = Files.write(dir.resolve("config.yaml"), new byte[] {(byte)0xC3, 0x28, (byte)0xFF, 0});
        final CliRun run = CliRun.of("journal", "replay", dir.resolve("journal").toString(), "--manifest",
            live.toString(), "--out", dir.resolve("x.jsonl").toString(), "--config", config.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertEquals("pitgun journal replay: " + config + ": file is not valid UTF-8 text", run.err().strip());
    }

    /**
     * {@code sequence} is a uint64: a frame of sequence 2^63 + 5 (published as trusted SBE bytes, which the
     * FrameWriter's range check does not see) is 9223372036854775813 in every JSON output, as in CSV and Parquet;
     * before, the JSON forms printed it as a signed long, -9223372036854775803.
     */
    @Test
    void shouldWriteASequenceOfTwoToTheSixtyThreeAndMoreUnsignedInEveryJsonOutput() throws Exception
    {
        final Path manifest = write("twice.yaml", String.join("\n",
            "version: v1",
            "name: twice",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Speed_Twice, expr: \"Speed * 2\", unit: km/h }",
            ""));
        final Path journal = dir.resolve("journal");
        final Path liveOutput = dir.resolve("live.jsonl");
        final long sequence = Long.MIN_VALUE + 5; // 2^63 + 5 as a uint64
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();
        frame.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        frame.sessionId().mostSigBits(1).leastSigBits(2);
        frame.producerId().mostSigBits(3).leastSigBits(4);
        frame.sequence(sequence).timestampUs(1_790_000_000_000_000L).sourceId(1).lapNumber(1).sector((short)1);
        frame.samplesCount(1).next().value(Double.doubleToLongBits(100f)).parameterId(3).valueType(ValueType.F32)
            .quality(SignalQuality.GOOD);
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest).config(PipelineConfig.builder()
            .journalDirectory(journal).ackMode(AckMode.JOURNALED).jsonLinesFile(liveOutput).build()).build();
        try
        {
            pipeline.publish(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength());
        }
        finally
        {
            pipeline.close();
        }
        final String unsigned = "\"sequence\":" + Long.toUnsignedString(sequence) + ",";
        assertEquals("9223372036854775813", Long.toUnsignedString(sequence));

        final CliRun dump = CliRun.of("journal", "dump", journal.toString());
        assertEquals(0, dump.exitCode(), dump.err());
        assertTrue(dump.out().contains(unsigned), dump.out());
        run(journal, manifest, dir.resolve("replay.jsonl"));
        final String replayed = Files.readString(dir.resolve("replay.jsonl"), StandardCharsets.UTF_8);
        assertTrue(replayed.contains(unsigned), replayed);
        assertEquals(Files.readString(liveOutput, StandardCharsets.UTF_8), replayed);
    }

    /**
     * --config ignores the journal and ack_mode keys, as its help says: a live pipeline's configuration names them,
     * and a journal section without a directory (or ack_mode: journaled) was refused before, as if this pipeline
     * journaled.
     */
    @Test
    void shouldIgnoreTheJournalAndAckModeKeysOfItsConfiguration() throws Exception
    {
        final Path manifest = write("live.yaml", LIVE_MANIFEST);
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest).config(PipelineConfig.builder()
            .journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 1);
            for (int i = 0; i < 10; i++)
            {
                writer.begin(i, 1_000_000L * 1_000 + i * 1_000L).putDouble(3, 100 + i).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        final String plain = digestOf(run(journal, manifest, dir.resolve("plain.jsonl")));
        int n = 0;
        for (final String config : List.of("journal: {thread: separate}\n", "ack_mode: journaled\n",
            "journal: {thread: producer, directory: /nowhere}\nack_mode: journaled\n" +
                "output: {json_lines: /nowhere/out.jsonl, digest: false}\n"))
        {
            final Path file = write("c" + n++ + ".yaml", config);
            final String replayed = run(journal, manifest, dir.resolve("replay" + n + ".jsonl"), "--config",
                file.toString());
            assertEquals(plain, digestOf(replayed), config);
        }
    }

    private String run(final Path journal, final Path manifest, final Path out, final String... more)
    {
        final StringWriter text = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new JournalReplayCommand())
            .setExecutionExceptionHandler(new CliErrorHandler())
            .setOut(new PrintWriter(text)).setErr(new PrintWriter(err));
        final List<String> args = new java.util.ArrayList<>(List.of(journal.toString(), "--manifest",
            manifest.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        final int status = cli.execute(args.toArray(new String[0]));
        assertEquals(0, status, err.toString());
        return text.toString();
    }

    private static String digestOf(final String output)
    {
        return output.substring(output.indexOf("output sha256: "));
    }

    private Path write(final String name, final String text) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
