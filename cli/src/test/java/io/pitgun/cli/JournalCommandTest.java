package io.pitgun.cli;

import io.pitgun.codecs.sbe.ManifestLoadedEncoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalTailer;
import io.pitgun.testsupport.DamagedJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun journal stats|dump|verify} on a journal written from test data, intact and damaged. */
class JournalCommandTest
{
    private static final UUID SESSION_A = UUID.fromString("11111111-2222-4333-8444-555555555555");
    private static final UUID SESSION_B = UUID.fromString("66666666-7777-4888-9999-aaaaaaaaaaaa");
    private static final UUID PLAYER = UUID.fromString("00000000-0000-4000-8000-000000000007");
    private static final long T0_US = 1_790_000_000_000_000L; // 2026-09-21T14:13:20Z
    private static final int FRAMES = 200;
    /** A channel id sim.v1 does not define. */
    private static final int UNKNOWN_ID = 9000;
    private static final int QUALITY_OF_FIRST_SAMPLE = MessageHeaderEncoder.ENCODED_LENGTH +
        TelemetryFrameEncoder.BLOCK_LENGTH + 4 + TelemetryFrameEncoder.SamplesEncoder.qualityEncodingOffset();

    @TempDir
    Path dir;

    private Path journalDir;
    private final List<Long> frameIndex = new ArrayList<>();
    private final List<byte[]> frameBytes = new ArrayList<>();

    /** A SessionStart, then 200 frames alternating sessions A/B and sources 1/2, 20 ms apart, Speed and Gear. */
    @BeforeEach
    void writeJournal()
    {
        journalDir = dir.resolve("journal");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();
        final SessionStartEncoder start = new SessionStartEncoder();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final JournalAppender appender = journal.appender();
            start.wrapAndApplyHeader(buffer, 0, header);
            start.sessionId().mostSigBits(SESSION_A.getMostSignificantBits()).leastSigBits(SESSION_A.getLeastSignificantBits());
            start.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
            start.timestampUs(T0_US).sourceId(1).label("practice");
            appender.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + start.encodedLength(), 0);
            for (int n = 0; n < FRAMES; n++)
            {
                final UUID session = n % 2 == 0 ? SESSION_A : SESSION_B;
                frame.wrapAndApplyHeader(buffer, 0, header);
                frame.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
                frame.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
                frame.sequence(n).timestampUs(T0_US + n * 20_000L).sourceId(1 + n % 2).lapNumber(1 + n / 100).sector((short)1);
                final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(2);
                samples.next().value(Double.doubleToLongBits((float)(100 + n * 0.5))).parameterId(3)
                    .valueType(ValueType.F32).quality(SignalQuality.GOOD);
                samples.next().value(1 + n % 8).parameterId(6).valueType(ValueType.I8).quality(SignalQuality.GOOD);
                final int length = MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength();
                final byte[] bytes = new byte[length];
                buffer.getBytes(0, bytes);
                frameBytes.add(bytes);
                frameIndex.add(appender.append(buffer, 0, length, System.nanoTime()));
            }
        }
    }

    @Test
    void statsShouldCountFramesSessionsSourcesAndTimeRange()
    {
        final CliRun run = CliRun.of("journal", "stats", journalDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("entries     201 (index "), run.out());
        assertTrue(run.out().contains("frames      200"), run.out());
        assertTrue(run.out().contains("sessions    2"), run.out());
        assertTrue(run.out().contains("sources     2"), run.out());
        assertTrue(run.out().contains("time range  2026-09-21T14:13:20Z .. 2026-09-21T14:13:23.980Z (3.980 s)"),
            run.out());
        assertTrue(run.out().contains("damaged     none"), run.out());
    }

    @Test
    void dumpShouldWriteJsonLinesForAnIndexRangeAndSession()
    {
        final CliRun run = CliRun.of("journal", "dump", journalDir.toString(),
            "--from", frameIndex.get(10).toString(), "--to", frameIndex.get(19).toString(),
            "--session", SESSION_B.toString());
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(5, lines.size(), run.out());
        assertEquals("{\"index\":" + frameIndex.get(11) + ",\"message\":\"TelemetryFrame\",\"sequence\":11," +
            "\"timestamp_us\":" + (T0_US + 11 * 20_000L) + ",\"lap_number\":1,\"sector\":1,\"session_id\":\"" + SESSION_B +
            "\",\"player_id\":\"" + PLAYER + "\",\"source_id\":2,\"samples\":{\"Speed\":105.5,\"Gear\":4}}", lines.get(0));
        assertTrue(run.err().contains("dumped 5 of 10 entries read"), run.err());
    }

    /**
     * A negative index names no entry, so it is refused, as export refuses it. Before, {@code --to -1} (the value
     * meaning "no bound" inside) dumped the whole journal, exit 0, while {@code --to -2} dumped nothing.
     */
    @Test
    void dumpShouldRefuseANegativeIndex()
    {
        for (final String option : List.of("--from", "--to"))
        {
            final CliRun run = CliRun.of("journal", "dump", journalDir.toString(), option, "-1");
            assertEquals(CliErrorHandler.USAGE, run.exitCode(), option + ": " + run.err());
            assertEquals("", run.out(), option);
            assertTrue(run.err().contains("pitgun journal dump: " + option + ": expected a journal index (0 or more, " +
                "as dump prints it in \"index\"), got -1"), run.err());
        }
    }

    @Test
    void dumpShouldWriteCsvWithAHeaderOfChannelsFound()
    {
        final CliRun run = CliRun.of("journal", "dump", journalDir.toString(), "--format", "csv");
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(FRAMES + 1, lines.size());
        assertEquals("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector,Speed,Gear",
            lines.get(0));
        assertEquals(frameIndex.get(199) + "," + SESSION_B + "," + PLAYER + ",2,199," + (T0_US + 199 * 20_000L) +
            ",2,1,199.5,8", lines.get(200));
    }

    @Test
    void dumpShouldNameTheBadOption()
    {
        final CliRun badSession =
            CliRun.of("journal", "dump", journalDir.toString(), "--session", "not-a-uuid");
        assertEquals(CliErrorHandler.USAGE, badSession.exitCode());
        assertTrue(badSession.err().contains("--session: not a UUID: 'not-a-uuid'"), badSession.err());
        final CliRun badFormat = CliRun.of("journal", "dump", journalDir.toString(), "--format", "xml");
        assertEquals(CliErrorHandler.USAGE, badFormat.exitCode());
        assertTrue(badFormat.err().contains("--format: expected json or csv, got 'xml'"), badFormat.err());
    }

    @Test
    void verifyShouldPassAnIntactJournal()
    {
        final CliRun run = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(": OK, 201 entries checked"), run.out());
    }

    @Test
    void verifyShouldReportADamagedEntryByIndex() throws IOException
    {
        final int damaged = 150;
        final Path file;
        try (Stream<Path> files = Files.list(journalDir))
        {
            file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(file);
        final int at = indexOf(bytes, frameBytes.get(damaged));
        bytes[at + 2] = 9; // template id 9: no such message
        Files.write(file, bytes);

        final CliRun run = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("bad entry at index " + frameIndex.get(damaged) + ": message, byte 2: " +
            "unknown template id (9)"),
            run.err());
        assertTrue(run.err().contains("DAMAGED, 1 bad entry in 201 checked"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());

        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        assertEquals(1, dump.exitCode());
        assertEquals(200, dump.out().lines().count());
        assertTrue(dump.err().contains("skipped 1 damaged entry, first at index " + frameIndex.get(damaged)), dump.err());
    }

    /**
     * Messages the gateway now refuses (quality 200, a root block length of 8, shorter than its fields), written
     * with the journal API as an older build could have: every tool reports them by index with the problem and
     * still shows every later entry.
     */
    @Test
    void toolsShouldReportUndecodableMessagesAndShowEveryLaterEntry()
    {
        final long qualityIndex;
        final long shortBlockIndex;
        final List<Long> laterIndex = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final JournalAppender appender = journal.appender();
            final byte[] quality = frameBytes.get(0).clone();
            quality[QUALITY_OF_FIRST_SAMPLE] = (byte)200;
            qualityIndex = append(appender, quality);
            final byte[] shortBlock = frameBytes.get(1).clone();
            shortBlock[0] = 8; // blockLength, a little-endian u16
            shortBlock[1] = 0;
            shortBlockIndex = append(appender, shortBlock);
            for (int n = 0; n < 3; n++)
            {
                laterIndex.add(append(appender, frameBytes.get(n)));
            }
        }

        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(1, verify.exitCode(), verify.out() + verify.err());
        assertTrue(verify.err().contains("bad entry at index " + qualityIndex + ": TelemetryFrame, byte " +
            QUALITY_OF_FIRST_SAMPLE + " (sample 0): quality is not a defined SignalQuality (200)"), verify.err());
        assertTrue(verify.err().contains("DAMAGED, 2 bad entries in 206 checked"), verify.err());

        final CliRun stats = CliRun.of("journal", "stats", journalDir.toString());
        assertTrue(stats.out().contains("entries     206 (index "), stats.out());
        assertTrue(stats.out().contains("frames      203"), stats.out());
        assertTrue(stats.out().contains("damaged     2 entries, first at index " + qualityIndex), stats.out());

        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        assertEquals(1, dump.exitCode());
        final List<String> lines = dump.out().lines().toList();
        assertEquals(1 + FRAMES + 3, lines.size(), dump.err()); // the SessionStart, the frames, the later three
        for (int n = 0; n < 3; n++)
        {
            final String line = lines.get(1 + FRAMES + n);
            assertTrue(line.startsWith("{\"index\":" + laterIndex.get(n) + ",\"message\":\"TelemetryFrame\",\"sequence\":" +
                n + ","), line);
        }
        assertFalse(dump.out().contains("\"index\":" + shortBlockIndex + ","), dump.out());
        assertTrue(dump.err().contains("skipped 2 damaged entries, first at index " + qualityIndex), dump.err());
    }

    /**
     * A message the replay's pipeline refuses is passed over, counted and reported as DAMAGED with its index, and
     * every later message is replayed, as the other tools go on past it; before, the replay stopped there (exit 1,
     * without the word DAMAGED).
     */
    @Test
    void replayShouldPassOverARefusedMessageAndReplayEveryLaterOne()
    {
        final byte[] unknownTemplate = frameBytes.get(0).clone();
        unknownTemplate[2] = 9; // template id 9: no such message
        final long badIndex;
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final JournalAppender appender = journal.appender();
            badIndex = append(appender, unknownTemplate);
            for (int n = 0; n < 3; n++)
            {
                append(appender, frameBytes.get(n));
            }
        }
        final CliRun replay = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", dir.resolve("replay.jsonl").toString());
        assertEquals(1, replay.exitCode(), replay.out() + replay.err());
        assertTrue(replay.out().contains("frames processed " + (FRAMES + 3) + ","), replay.out());
        assertTrue(replay.err().contains("DAMAGED: 1 message refused, the first: journal entry " + badIndex +
            ": message of " + unknownTemplate.length + " bytes refused: not a well-formed message"), replay.err());
        assertFalse(replay.err().contains("\tat "), replay.err());
    }

    /**
     * A message larger than the replay's slots is not damage: the journal holds it whole, and a {@code --config}
     * whose {@code max_frame_bytes} fits it replays it. Before, the replay said {@code DAMAGED: 1 message refused},
     * and {@code insight verify} "not proved: DAMAGED", sending an analyst after a journal that was sound.
     */
    @Test
    void replayShouldSayAMessageOverItsSlotsWasNotReplayedRatherThanDamaged() throws IOException
    {
        final long bigIndex;
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            bigIndex = append(journal.appender(), frameOfSamples(200));
        }
        final CliRun replay = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", dir.resolve("replay.jsonl").toString());
        assertEquals(1, replay.exitCode(), replay.out() + replay.err());
        assertTrue(replay.err().contains(journalDir + ": NOT REPLAYED: 1 message larger than the replay's slots, " +
            "the first: journal entry " + bigIndex + ": message of "), replay.err());
        assertTrue(replay.err().contains("(max_frame_bytes 1024)"), replay.err());
        assertFalse(replay.err().contains("DAMAGED"), replay.err());

        final Path config = Files.writeString(dir.resolve("big.yaml"), "max_frame_bytes: 4096\n");
        final CliRun fitting = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", dir.resolve("replay2.jsonl").toString(), "--config", config.toString());
        assertEquals(0, fitting.exitCode(), fitting.out() + fitting.err());
        assertTrue(fitting.out().contains("frames processed " + (FRAMES + 1) + ","), fitting.out());
    }

    /** A well-formed frame of {@code count} samples, for a message larger than a default slot. */
    private static byte[] frameOfSamples(final int count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 + count * 16]);
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder());
        frame.sessionId().mostSigBits(SESSION_A.getMostSignificantBits())
            .leastSigBits(SESSION_A.getLeastSignificantBits());
        frame.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
        frame.sequence(FRAMES).timestampUs(T0_US + FRAMES * 20_000L).sourceId(1).lapNumber(2).sector((short)1);
        final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(count);
        for (int n = 0; n < count; n++)
        {
            samples.next().value(Double.doubleToLongBits((float)(100 + n))).parameterId(3).valueType(ValueType.F32)
                .quality(SignalQuality.GOOD);
        }
        final byte[] bytes = new byte[MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** The shipped demo manifest, for the replay of a damaged journal. */
    private static final Path DEMO_MANIFEST =
        Path.of("../schemas/src/main/resources/examples/pipeline-manifest/v1/valid/demo-reference.yaml");

    /**
     * Every tool run on {@code journalDir}: exit 1, "DAMAGED" or a skipped damaged entry, each {@code expected}
     * text, no stack trace. Before, a zeroed record header hid the entries after it and every tool exited 0.
     */
    private void assertEveryToolReportsDamage(final String... expected)
    {
        final List<CliRun> runs = List.of(
            CliRun.of("journal", "verify", journalDir.toString()),
            CliRun.of("journal", "stats", journalDir.toString()),
            CliRun.of("journal", "dump", journalDir.toString()),
            CliRun.of("journal", "dump", journalDir.toString(), "--format", "csv"),
            CliRun.of("journal", "export", journalDir.toString(), "--out", dir.resolve("export-" + System.nanoTime())
                .toString()),
            CliRun.of("journal", "replay", journalDir.toString(), "--manifest", DEMO_MANIFEST.toString(), "--out",
                dir.resolve("replay.jsonl").toString()));
        for (final CliRun run : runs)
        {
            final String all = run.out() + run.err();
            assertEquals(1, run.exitCode(), all);
            assertTrue(run.err().contains("DAMAGED") || run.err().contains("skipped 1 damaged entry"), all);
            for (final String text : expected)
            {
                assertTrue(all.contains(text), text + " in " + all);
            }
            assertFalse(all.contains("\tat ") || all.contains("Exception in"), all);
        }
    }

    @Test
    void toolsShouldReportTheEntriesAZeroedRecordHeaderHides() throws IOException
    {
        DamagedJournal.zeroHeader(journalDir, 101); // the SessionStart is entry 0: frame 100's header
        assertEveryToolReportsDamage("reading in order stops after index " + frameIndex.get(99),
            "the journal claims entries up to index " + frameIndex.get(FRAMES - 1));
        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertTrue(verify.err().contains("DAMAGED, 1 bad entry in 101 checked"), verify.err());
        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        assertEquals(101, dump.out().lines().count(), dump.err()); // what could be read is still written
    }

    @Test
    void toolsShouldReportAnEntryARecordHeaderMarkedMetadataSkips() throws IOException
    {
        DamagedJournal.markMetadata(journalDir, 101);
        // The read skips the entry, so it numbers every later one an entry lower and ends an entry short.
        assertEveryToolReportsDamage("reading in order stops after index " + frameIndex.get(FRAMES - 2),
            "the journal claims entries up to index " + frameIndex.get(FRAMES - 1));
    }

    @Test
    void toolsShouldReportACycleFileCutShortWithoutAStackTrace() throws IOException
    {
        final Path file = DamagedJournal.cycleFile(journalDir);
        final long at = DamagedJournal.dataRecordOffsets(file).get(150);
        DamagedJournal.cutInside(journalDir, 150);
        assertEveryToolReportsDamage(file.getFileName() + " is cut short: it ends at byte " +
            String.format("%,d", at + 10) + ", inside the record at byte " + String.format("%,d", at));
    }

    /**
     * A cut in the last cycle file made Chronicle's search for the journal's last index fault, and every tool gave
     * up there with nothing read: the entries before the cut are whole and are written, then DAMAGED.
     */
    @Test
    void toolsShouldWriteEveryEntryBeforeTheCutOfACycleFileCutShort() throws IOException
    {
        final Path file = DamagedJournal.cycleFile(journalDir);
        final long at = DamagedJournal.dataRecordOffsets(file).get(150);
        DamagedJournal.cutInside(journalDir, 150); // entry 150 is frame 149
        final String cut = file.getFileName() + " is cut short: it ends at byte " + String.format("%,d", at + 10);

        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        assertEquals(1, dump.exitCode(), dump.err());
        final List<String> lines = dump.out().lines().toList();
        assertEquals(150, lines.size(), dump.err()); // the SessionStart and frames 0..148
        assertTrue(lines.get(149).startsWith("{\"index\":" + frameIndex.get(148) + ","), lines.get(149));
        assertTrue(dump.err().contains("skipped 1 damaged entry, first at index " + frameIndex.get(149)), dump.err());
        assertTrue(dump.err().contains(cut), dump.err());

        final CliRun csv = CliRun.of("journal", "dump", journalDir.toString(), "--format", "csv");
        assertEquals(1, csv.exitCode(), csv.err());
        assertEquals(1 + 149, csv.out().lines().count(), csv.err()); // the header and frames 0..148

        final Path export = dir.resolve("export");
        final CliRun exported = CliRun.of("journal", "export", journalDir.toString(), "--format", "csv", "--out",
            export.toString());
        assertEquals(1, exported.exitCode(), exported.err());
        assertTrue(exported.out().contains("exported 149 frames (150 messages read)"), exported.out());
        assertTrue(exported.err().contains(cut), exported.err());

        final Path replayed = dir.resolve("replay.jsonl");
        final CliRun replay = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", replayed.toString());
        assertEquals(1, replay.exitCode(), replay.err());
        assertTrue(replay.out().contains("replayed 150 entries"), replay.out());
        assertTrue(replay.out().contains("frames processed 149,"), replay.out());
        assertTrue(Files.exists(replayed), replay.out());
        assertTrue(replay.err().contains("DAMAGED: cannot read the entry after index " + frameIndex.get(148)),
            replay.err());
        assertTrue(replay.err().contains(cut), replay.err());

        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertTrue(verify.err().contains("DAMAGED, 1 bad entry in 150 checked"), verify.err());
    }

    @Test
    void toolsShouldReportTheLastCycleFileMissing() throws IOException
    {
        final Path file = DamagedJournal.cycleFile(journalDir);
        Files.delete(file);
        assertEveryToolReportsDamage("cycle file " + file.getFileName() + " is missing, though metadata.cq4t " +
            "records its cycle as the journal's last");
    }

    /**
     * metadata.cq4t cut short (a copy that stopped) or left empty. Before, every tool read the cycle files and exited
     * 0 after Chronicle logged its fallback's stack trace, and a gateway exited with "Can't append to a read-only
     * chronicle", naming no file. What the refusal says to do is checked too: without the file, every entry reads.
     */
    @Test
    void toolsShouldReportAMetadataFileCutShortOrEmpty() throws IOException
    {
        final Path metadata = journalDir.resolve("metadata.cq4t");
        final byte[] whole = Files.readAllBytes(metadata);
        Files.write(metadata, java.util.Arrays.copyOf(whole, 100));
        assertEveryToolReportsDamage("metadata.cq4t is cut short: it ends at byte 100, inside the record at byte 0",
            "move it aside");

        Files.write(metadata, new byte[0]);
        assertEveryToolReportsDamage("metadata.cq4t is empty (no header in its 0 bytes)", "move it aside");

        Files.move(metadata, dir.resolve("metadata.cq4t.aside"));
        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("OK, 201 entries checked"), verify.err());
    }

    /**
     * A file named like a cycle file (an hour before the journal's) that is not one. Before, the tools read past it
     * (the listing in metadata.cq4t did not name it; exit 0), a gateway started on the directory listed it and exited
     * with Chronicle's "Unexpected magic number 6c6c6548", naming no file, and every tool said the same from then on.
     */
    @Test
    void toolsShouldNameAFileNamedLikeACycleFileThatIsNotOne() throws IOException
    {
        final Path foreign = journalDir.resolve("20000101-00F.cq4");
        Files.writeString(foreign, "Hello, not a journal\n");
        assertEveryToolReportsDamage("20000101-00F.cq4 is not a cycle file of a journal: its first word is " +
            "0x6c6c6548, not the header record a cycle file starts with", "move it out of " + journalDir);

        Files.move(foreign, dir.resolve("20000101-00F.cq4"));
        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("OK, 201 entries checked"), verify.err());
    }

    /**
     * A symbolic link named like a cycle file whose target is gone. Before, {@code journal stats} failed on it with
     * "cannot list the journal files" (exit 1) while verify, dump, export and replay read past it and exited 0.
     */
    @Test
    void toolsShouldRefuseADanglingLinkNamedLikeACycleFile() throws IOException
    {
        final Path link = journalDir.resolve("20000101-00F.cq4");
        Files.createSymbolicLink(link, dir.resolve("gone.cq4"));
        assertEveryToolReportsDamage("20000101-00F.cq4 is a symbolic link to " + dir.resolve("gone.cq4") +
            ", which does not exist", "move it out of " + journalDir);

        Files.delete(link);
        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("OK, 201 entries checked"), verify.err());
    }

    /**
     * A journal whose metadata.cq4t was deleted is read whole, and each tool says so in its own words. Before, the
     * only message was Chronicle's WARN "Failback to readonly tablestore ... Metadata file not found in readOnly
     * mode", naming no journal and not saying whether its entries were read; the tools' own stderr said nothing.
     */
    @Test
    void toolsShouldSayThatMetadataWasMissingAndReadTheJournal() throws IOException
    {
        Files.delete(journalDir.resolve("metadata.cq4t"));
        final String note = journalDir + ": metadata.cq4t is missing (deleted, or left out of a copy): the cycle " +
            "files are read without it";
        final List<CliRun> runs = List.of(
            CliRun.of("journal", "verify", journalDir.toString()),
            CliRun.of("journal", "stats", journalDir.toString()),
            CliRun.of("journal", "dump", journalDir.toString()),
            CliRun.of("journal", "export", journalDir.toString(), "--out", dir.resolve("export").toString()),
            CliRun.of("journal", "replay", journalDir.toString(), "--manifest", DEMO_MANIFEST.toString(), "--out",
                dir.resolve("replay.jsonl").toString()));
        for (final CliRun run : runs)
        {
            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains(note), run.err());
        }
        assertTrue(runs.get(0).out().contains("OK, 201 entries checked"), runs.get(0).out());
        assertFalse(Files.exists(journalDir.resolve("metadata.cq4t")), "a reader wrote it again");
    }

    /**
     * An operator deleted the oldest cycle file to free disk space (docs/reliability.md: a cycle file other than the
     * last deleted whole is not checked). metadata.cq4t still records it as the first until the writer rolls or
     * restarts, and a read-only open started reading there: every tool found no entry and reported a damaged record
     * header (exit 1). Now each reads every entry of the file left, says on stderr where the journal starts, exit 0.
     */
    @Test
    void toolsShouldReadTheCycleFilesLeftWhenTheOldestWasDeleted() throws IOException
    {
        // The 201 entries go to a file an hour old (renamed: Chronicle takes a file's cycle from its name; the
        // metadata, which records it under its old name, is deleted), 3 more frames to this hour's file.
        final Path hourBefore = DamagedJournal.moveLastCycleFileBack(journalDir, 1);
        final List<Long> later = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final JournalAppender appender = journal.appender();
            for (int n = 0; n < 3; n++)
            {
                later.add(append(appender, frameBytes.get(n)));
            }
        }
        final List<Path> files;
        try (Stream<Path> list = Files.list(journalDir))
        {
            files = list.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
        assertEquals(2, files.size(), files.toString());
        Files.delete(hourBefore);
        final String starts = "older cycle files deleted (metadata.cq4t records " + hourBefore.getFileName() +
            " as the first, which is gone): the journal starts at " + files.get(1).getFileName() + ", index " +
            later.get(0);

        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        final CliRun stats = CliRun.of("journal", "stats", journalDir.toString());
        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        final CliRun csv = CliRun.of("journal", "dump", journalDir.toString(), "--format", "csv");
        final CliRun export = CliRun.of("journal", "export", journalDir.toString(), "--format", "csv", "--out",
            dir.resolve("export").toString());
        final CliRun replay = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", dir.resolve("replay.jsonl").toString());
        for (final CliRun run : List.of(verify, stats, dump, csv, export, replay))
        {
            final String all = run.out() + run.err();
            assertEquals(0, run.exitCode(), all);
            assertFalse(all.contains("DAMAGED") || all.contains("damaged record header"), all);
            assertTrue(run.err().contains(starts), all);
        }
        assertTrue(verify.out().contains(": OK, 3 entries checked"), verify.out());
        assertTrue(stats.out().contains("entries     3 (index " + later.get(0) + " .. " + later.get(2) + ")"),
            stats.out());
        assertTrue(stats.out().contains("damaged     none"), stats.out());
        final List<String> lines = dump.out().lines().toList();
        assertEquals(3, lines.size(), dump.out());
        for (int n = 0; n < 3; n++)
        {
            assertTrue(lines.get(n).startsWith("{\"index\":" + later.get(n) + ",\"message\":\"TelemetryFrame\"," +
                "\"sequence\":" + n + ","), lines.get(n));
        }
        assertEquals(1 + 3, csv.out().lines().count(), csv.out());
        assertTrue(export.out().contains("exported 3 frames (3 messages read)"), export.out());
        assertTrue(replay.out().contains("replayed 3 entries"), replay.out());
    }

    /**
     * An operator deleted a cycle file in the middle of the journal (to free disk space). Chronicle's reads go from
     * the file before it to the file after it without a word, as across an hour without data, which leaves no file:
     * every tool read the entries left and exited 0 (verify: "OK, 204 entries checked"), and a replay's output and
     * digest were of part of the run as if of all of it. Now the file after the gap records the entry written before
     * its first, so each tool names the entries missing and their file, still writes every entry left, and exits 1.
     */
    @Test
    void toolsShouldReportACycleFileDeletedInTheMiddle() throws IOException
    {
        // Three cycle files, an hour apart: the 201 entries, then 3 frames, then 3 more; the middle one deleted.
        // (Positions are read after the renames: a position holds its file's cycle.)
        DamagedJournal.moveLastCycleFileBack(journalDir, 2);
        appendFrames(3);
        // Not a gap: the hour between had no entry, so it has no file.
        final CliRun hourWithoutData = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, hourWithoutData.exitCode(), hourWithoutData.err());
        assertTrue(hourWithoutData.out().contains("OK, 204 entries checked"), hourWithoutData.out());
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journalDir, 1);
        appendFrames(3);
        final List<Long> positions = positions(journalDir);
        assertEquals(FRAMES + 1 + 6, positions.size());
        Files.delete(deleted);
        final long beforeGap = positions.get(FRAMES);
        final String gap = "the entries after index " + beforeGap + " up to index " + positions.get(FRAMES + 3) +
            " are missing: their cycle file " + deleted.getFileName() + " (and any between it and the one of index " +
            beforeGap + ") is gone";
        assertEveryToolReportsDamage(gap);

        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertTrue(verify.err().contains("DAMAGED, 1 bad entry in 204 checked"), verify.err());
        final CliRun dump = CliRun.of("journal", "dump", journalDir.toString());
        final List<String> lines = dump.out().lines().toList();
        assertEquals(204, lines.size(), dump.err()); // every entry left is still written
        assertTrue(lines.get(203).startsWith("{\"index\":" + positions.get(FRAMES + 6) + ","), lines.get(203));
        // A range ending inside the deleted file: the gap is reported, what is before it dumped. (On a gateway's
        // journal, a review saw Chronicle's count for the progress throw there, 'file not found' for the upperCycle,
        // and nothing dumped; this journal does not reach that count the same way.)
        final CliRun toInGap = CliRun.of("journal", "dump", "--to=" + positions.get(FRAMES + 3), journalDir.toString());
        assertEquals(1, toInGap.exitCode(), toInGap.err());
        assertEquals(201, toInGap.out().lines().count(), toInGap.err());
        assertTrue(toInGap.err().contains(gap), toInGap.err());
        final CliRun replay = CliRun.of("journal", "replay", journalDir.toString(), "--manifest",
            DEMO_MANIFEST.toString(), "--out", dir.resolve("gap.jsonl").toString());
        assertTrue(replay.out().contains("replayed 204 entries"), replay.out());
        assertTrue(replay.err().contains("DAMAGED: " + gap), replay.err());
    }

    /**
     * The build before {@code JournalCycleMarkerRaceTest}'s fix could mark a new cycle file with an entry after its
     * first (the provenance appender's, committed in between). Its journals are healthy: a marker that names an entry
     * of its own file, or a later one, says nothing about the files before it, and no tool reports a gap for it
     * (every tool exited 1 on such a journal: "the entries after index X up to index L are missing", L in the file).
     */
    @Test
    void toolsShouldNotReportAGapForAMarkerNamingAnEntryOfItsOwnFile() throws IOException
    {
        DamagedJournal.moveLastCycleFileBack(journalDir, 2); // the hour between has no file: nothing is missing
        appendFrames(3);
        final List<Long> positions = positions(journalDir);
        DamagedJournal.setCycleMarker(DamagedJournal.lastCycleFile(journalDir),
            JournalEntryDescriptor.entryIndex(positions.get(FRAMES + 2)));

        final CliRun verify = CliRun.of("journal", "verify", journalDir.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("OK, 204 entries checked"), verify.out());
    }

    /**
     * The journal's last cycle file deleted while no writer ran, then a writer started and wrote on: the file was
     * then in the middle of the journal, but the writer found its last entry in the file before it, and its next
     * file's marker named that entry, so every tool read the file before the gap and the one after it without a word
     * (verify: "OK, 204 entries checked" with 3 entries gone; before the restart they said the file was missing).
     * Now the writer's open sees that the cycle metadata.cq4t recorded as the last has no file, and the next file's
     * marker names that cycle, so every tool reports its entries missing.
     */
    @Test
    void toolsShouldReportTheLastCycleFileDeletedBeforeAWriterStartedAgain() throws IOException
    {
        final String gap = deleteTheLastOfTwoCycleFiles();
        appendFrames(3); // a writer started after the deletion: this hour's file

        assertEveryToolReportsDamage(gap);
    }

    /**
     * As above, but the first writer after the deletion closes without writing (a gateway failing between its open and
     * its first write, a hive edge writer, an embedder): its open rewrote metadata.cq4t from the files it found, so
     * the next writer no longer learnt of the deleted file, and every tool said "OK, 204 entries checked" with 3
     * entries gone. The cycle found missing is now kept in the journal's directory until a marker names it.
     */
    @Test
    void toolsShouldReportTheLastCycleFileDeletedWhenTheFirstWriterAfterClosedWithoutWriting() throws IOException
    {
        final String gap = deleteTheLastOfTwoCycleFiles();
        appendFrames(0); // opens, finds the file gone, closes
        appendFrames(3);

        assertEveryToolReportsDamage(gap);
        assertFalse(Files.exists(journalDir.resolve("missing-cycle")), "the record is gone once the marker says it");
    }

    /**
     * Moves the journal's 201 entries to a file of 3 hours ago and writes 3 frames to one of 2 hours ago, recorded as
     * the last by a writer's open, then deletes that file with no writer running; returns how the tools name the gap.
     */
    private String deleteTheLastOfTwoCycleFiles() throws IOException
    {
        DamagedJournal.moveLastCycleFileBack(journalDir, 3);
        appendFrames(3);
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journalDir, 2);
        appendFrames(0);
        final List<Long> positions = positions(journalDir);
        Files.delete(deleted);
        return "the entries after index " + positions.get(FRAMES) + " are missing, from index " +
            positions.get(FRAMES + 1) + " on: their cycle file " + deleted.getFileName() + " (and any between";
    }

    /** Appends {@code n} of the frames to the journal with a writer of its own. */
    private void appendFrames(final int n)
    {
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            for (int i = 0; i < n; i++)
            {
                append(journal.appender(), frameBytes.get(i));
            }
        }
    }

    /** The position of every message of the journal, in order. */
    private static List<Long> positions(final Path journal)
    {
        final List<Long> positions = new ArrayList<>();
        try (Journal read = Journal.open(JournalConfig.readOnly(journal)); JournalTailer tailer = read.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> positions.add(index)))
            {
                // one entry per call
            }
        }
        return positions;
    }

    /** Appends a ManifestLoaded naming {@code dictionary}, as a gateway does first at every start. */
    private static void appendManifestLoaded(final JournalAppender appender, final String dictionary)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final ManifestLoadedEncoder encoder = new ManifestLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).timestampUs(T0_US);
        for (int i = 0; i < ManifestLoadedEncoder.manifestDigestLength(); i++)
        {
            encoder.manifestDigest(i, (short)i);
        }
        final byte[] meaning = java.util.HexFormat.of().parseHex(
            io.pitgun.codecs.dictionary.ParameterRegistry.shipped(dictionary).orElseThrow().meaningSha256Hex());
        for (int i = 0; i < meaning.length; i++)
        {
            encoder.dictionaryMeaningDigest(i, (short)(meaning[i] & 0xFF));
        }
        encoder.manifestName("f1-laps").dictionaryName(dictionary).signerKeyId("unsigned");
        appender.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), System.nanoTime());
    }

    /**
     * dump and export took the dictionary the journal's first 16 entries named. An F1 gateway (f1-25.v1) writes its
     * only ManifestLoaded at its start; once that cycle file was deleted, they decoded the frames with sim.v1
     * (channel 3 as Speed, not Brake), exit 0, though a restart's ManifestLoaded later on names f1-25.v1. Now the
     * first one found in the journal as it is names it; a journal that names none is read with sim.v1, and stderr
     * says so.
     */
    @Test
    void dumpAndExportShouldTakeTheDictionaryOfTheFirstManifestLoadedLeftAfterTheOldestFileWasDeleted()
        throws IOException
    {
        final Path f1 = dir.resolve("f1-journal");
        try (Journal journal = Journal.open(JournalConfig.of(f1)))
        {
            final JournalAppender appender = journal.appender();
            appendManifestLoaded(appender, "f1-25.v1");
            for (int n = 0; n < 3; n++)
            {
                append(appender, frameBytes.get(n));
            }
        }
        final Path hourBefore = DamagedJournal.moveLastCycleFileBack(f1, 1);
        try (Journal journal = Journal.open(JournalConfig.of(f1)))
        {
            final JournalAppender appender = journal.appender();
            for (int n = 0; n < 20; n++)
            {
                append(appender, frameBytes.get(n)); // the gateway ran on into this hour's file, then restarted
            }
            appendManifestLoaded(appender, "f1-25.v1");
            for (int n = 20; n < 23; n++)
            {
                append(appender, frameBytes.get(n));
            }
        }
        Files.delete(hourBefore);

        final CliRun dump = CliRun.of("journal", "dump", f1.toString());
        assertEquals(0, dump.exitCode(), dump.err());
        assertEquals(24, dump.out().lines().count(), dump.out()); // 23 frames and the ManifestLoaded
        assertTrue(dump.out().contains("\"samples\":{\"Brake\":100.0,\"Gear\":1}"), dump.out());
        assertFalse(dump.out().contains("\"Speed\""), dump.out());
        assertFalse(dump.err().contains("names no dictionary"), dump.err());
        final CliRun csv = CliRun.of("journal", "dump", f1.toString(), "--format", "csv");
        assertEquals("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector,Brake,Gear",
            csv.out().lines().findFirst().orElseThrow(), csv.err());
        final Path export = dir.resolve("f1-export");
        final CliRun exported = CliRun.of("journal", "export", f1.toString(), "--format", "csv", "--out",
            export.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        final String exportedText;
        try (Stream<Path> files = Files.walk(export))
        {
            final StringBuilder text = new StringBuilder();
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                text.append(Files.readString(file));
            }
            exportedText = text.toString();
        }
        // A column per channel of the dictionary: f1-25.v1's, not sim.v1's.
        assertTrue(exportedText.contains(",Throttle,Brake,Steer,"), exportedText);
        assertFalse(exportedText.contains("Steering_Angle") || exportedText.contains("Throttle_Position"),
            exportedText);

        // The test's journal holds no ManifestLoaded: sim.v1, said on stderr.
        final CliRun none = CliRun.of("journal", "dump", journalDir.toString());
        assertEquals(0, none.exitCode(), none.err());
        assertTrue(none.out().contains("\"Speed\":100.0"), none.out());
        assertTrue(none.err().contains(journalDir + ": the journal names no dictionary (no ManifestLoaded in it, " +
            "e.g. its oldest cycle files were deleted): assuming sim.v1; give the one it was written with by " +
            "--dictionary FILE"), none.err());
        final CliRun noneExport = CliRun.of("journal", "export", journalDir.toString(), "--format", "csv", "--out",
            dir.resolve("sim-export").toString());
        assertEquals(0, noneExport.exitCode(), noneExport.err());
        assertTrue(noneExport.err().contains("assuming sim.v1"), noneExport.err());
    }

    /**
     * A gateway restarted with another dictionary, its start's ManifestLoaded in a cycle file since deleted from the
     * middle of the journal, and ran on into the next file: dump looked the dictionary up in the journal as it is,
     * found only the one before the gap, and named and judged the frames after it by that one without a word (the
     * gap was reported, not that the dictionary of what follows it is not known). Now it says so.
     */
    @Test
    void dumpShouldSayThatTheDictionaryOfTheFramesAfterAGapIsNotKnown() throws IOException
    {
        final Path journal = dir.resolve("restarted-journal");
        try (Journal writable = Journal.open(JournalConfig.of(journal)))
        {
            appendManifestLoaded(writable.appender(), "sim.v1");
            append(writable.appender(), frameBytes.get(0));
        }
        DamagedJournal.moveLastCycleFileBack(journal, 2);
        try (Journal writable = Journal.open(JournalConfig.of(journal)))
        {
            appendManifestLoaded(writable.appender(), "f1-25.v1"); // a restart with the F1 game's dictionary
            append(writable.appender(), frameBytes.get(1));
        }
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journal, 1);
        try (Journal writable = Journal.open(JournalConfig.of(journal)))
        {
            append(writable.appender(), frameBytes.get(2)); // it ran on into the next hour's file
        }
        Files.delete(deleted);

        final CliRun dump = CliRun.of("journal", "dump", journal.toString());
        assertEquals(1, dump.exitCode(), dump.err()); // the gap
        final long afterGap = positions(journal).get(2);
        assertTrue(dump.err().contains(journal + ": the frames from index " + afterGap + " on follow a gap (the " +
            "entries after index ") && dump.err().contains("their cycle file " + deleted.getFileName()) &&
            dump.err().contains("so the one they were written with is not known"), dump.err());
    }

    private static long append(final JournalAppender appender, final byte[] message)
    {
        return appender.append(new UnsafeBuffer(message), 0, message.length, System.nanoTime());
    }

    /**
     * A directory that holds no journal is said in one line. Before, dump and export first said "the journal names
     * no dictionary ...: assuming sim.v1", as of a journal without a ManifestLoaded, which this is not.
     */
    @Test
    void shouldNameAMissingJournalWithoutStackTrace() throws IOException
    {
        final Path missing = dir.resolve("nope");
        final Path empty = Files.createDirectories(dir.resolve("empty"));
        for (final Path notAJournal : List.of(missing, empty))
        {
            for (final String tool : List.of("stats", "dump", "verify", "export"))
            {
                final CliRun run = tool.equals("export") ?
                    CliRun.of("journal", tool, notAJournal.toString(), "--out", dir.resolve("out").toString()) :
                    CliRun.of("journal", tool, notAJournal.toString());
                assertEquals(1, run.exitCode(), tool);
                assertTrue(run.err().startsWith("pitgun journal " + tool + ": " + notAJournal + ": no journal here"),
                    run.err());
                assertEquals(1, run.err().lines().count(), run.err());
            }
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("frame bytes not found in the queue file");
    }

    /** Frames carrying Speed (public), Engine_Map (restricted, id 20) and MGUK_Power (internal, id 15). */
    private Path journalWithRestrictedChannels()
    {
        final Path restrictedDir = dir.resolve("restricted-journal");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();
        try (Journal journal = Journal.open(JournalConfig.of(restrictedDir)))
        {
            final JournalAppender appender = journal.appender();
            for (int n = 0; n < 3; n++)
            {
                frame.wrapAndApplyHeader(buffer, 0, header);
                frame.sessionId().mostSigBits(SESSION_A.getMostSignificantBits()).leastSigBits(SESSION_A.getLeastSignificantBits());
                frame.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
                frame.sequence(n).timestampUs(T0_US + n * 20_000L).sourceId(1).lapNumber(1).sector((short)1);
                final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(4);
                samples.next().value(Double.doubleToLongBits((float)(200 + n))).parameterId(3)
                    .valueType(ValueType.F32).quality(SignalQuality.GOOD);
                samples.next().value(7).parameterId(20).valueType(ValueType.U8).quality(SignalQuality.GOOD);
                samples.next().value(Double.doubleToLongBits(123.25f)).parameterId(15)
                    .valueType(ValueType.F32).quality(SignalQuality.GOOD);
                // An id sim.v1 does not define: another dictionary's channel, restricted there for all we know.
                samples.next().value(4242).parameterId(UNKNOWN_ID).valueType(ValueType.U16).quality(SignalQuality.GOOD);
                appender.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength(), System.nanoTime());
            }
        }
        return restrictedDir;
    }

    @Test
    void dumpShouldLeaveOutRestrictedAndInternalChannelsUnlessAskedToIncludeThem()
    {
        final Path journal = journalWithRestrictedChannels();
        final CliRun json = CliRun.of("journal", "dump", journal.toString());
        assertEquals(0, json.exitCode(), json.err());
        assertEquals(3, json.out().lines().count(), json.out());
        assertTrue(json.out().contains("\"samples\":{\"Speed\":200.0}"), json.out());
        assertFalse(json.out().contains("Engine_Map"), json.out());
        assertFalse(json.out().contains("MGUK_Power"), json.out());
        assertFalse(json.out().contains("123.25"), json.out());
        assertFalse(json.out().contains("4242") || json.out().contains("param_" + UNKNOWN_ID), json.out());
        assertTrue(json.err().contains("left out 9 sample(s) of restricted or internal channels (--include-restricted"),
            json.err());

        final CliRun csv = CliRun.of("journal", "dump", journal.toString(), "--format", "csv");
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector,Speed",
            csv.out().lines().findFirst().orElseThrow());
        assertFalse(csv.out().contains("123.25"), csv.out());

        final CliRun all = CliRun.of("journal", "dump", journal.toString(), "--include-restricted");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("\"samples\":{\"Speed\":200.0,\"Engine_Map\":7,\"MGUK_Power\":123.25,\"param_" +
            UNKNOWN_ID + "\":4242}"), all.out());
        assertFalse(all.err().contains("left out"), all.err());
        final CliRun allCsv = CliRun.of("journal", "dump", journal.toString(), "--format", "csv", "--include-restricted");
        assertEquals("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector,Speed," +
            "MGUK_Power,Engine_Map,param_" + UNKNOWN_ID, allCsv.out().lines().findFirst().orElseThrow());
    }
}
