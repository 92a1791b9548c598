package io.pitgun.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats, dump and verify over a journal of known content, and verify over a damaged one. */
class JournalToolsTest
{
    static final int FRAMES = 3_000;
    /** Frames per journal entry, as the engine writes them: the tools count and name messages, not entries. */
    static final int BATCH = 8;

    @TempDir
    Path dir;

    final List<Long> frameIndex = new ArrayList<>();
    long startIndex;
    long endIndex;

    /**
     * SessionStart A, then frames 0..2999 (even n: session A source 1; odd n: session B source 2; n % 5 samples + 1),
     * then SessionEnd A; the frames in entries of {@value #BATCH}.
     */
    @BeforeEach
    void writeJournal()
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            startIndex = appender.append(buffer, 0, frames.sessionStart(buffer, 0, TestFrames.SESSION_A, "Monza \"Q\""), 0);
            for (int n = 0; n < FRAMES; n += BATCH)
            {
                appender.begin();
                for (int i = 0; i < BATCH; i++)
                {
                    final int length = frames.frame(buffer, 0, n + i, 1 + (n + i) % 5,
                        (n + i) % 2 == 0 ? TestFrames.SESSION_A : TestFrames.SESSION_B, 1 + (n + i) % 2);
                    appender.add(buffer, 0, length, n + i);
                }
                final long first = appender.commit();
                for (int i = 0; i < BATCH; i++)
                {
                    frameIndex.add(first + i);
                }
            }
            endIndex = appender.append(buffer, 0,
                frames.sessionEnd(buffer, 0, TestFrames.SESSION_A, TestFrames.BASE_TIMESTAMP_US + FRAMES * 1_000L), 0);
        }
    }

    @Test
    void shouldCountFramesSessionsSourcesAndTimeRange()
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final long[] progress = {-1, -1};
            final JournalStats stats = JournalStatsCollector.collect(journal, (done, total) ->
            {
                progress[0] = done;
                progress[1] = total;
            });
            assertEquals(FRAMES + 2, stats.entries());
            assertEquals(FRAMES, stats.frames());
            assertEquals(1, stats.sessionStarts());
            assertEquals(1, stats.sessionEnds());
            assertEquals(2, stats.sessions());
            assertEquals(2, stats.sources());
            assertEquals(TestFrames.BASE_TIMESTAMP_US, stats.firstTimestampUs());
            assertEquals(TestFrames.BASE_TIMESTAMP_US + (FRAMES - 1) * 1_000L, stats.lastTimestampUs());
            assertEquals(startIndex, stats.firstIndex());
            assertEquals(endIndex, stats.lastIndex());
            assertEquals(1, stats.files());
            assertTrue(stats.fileBytes() > stats.messageBytes());
            assertEquals(0, stats.badEntries());
            assertEquals(2 + FRAMES / BATCH, progress[0], "progress counts entries");
            assertEquals(2 + FRAMES / BATCH, progress[1]);
        }
    }

    @Test
    void shouldDumpJsonLinesWithIdentifiersAndControlMessages() throws IOException
    {
        final List<JsonNode> lines = dump(JournalDumper.Options.all());
        assertEquals(FRAMES + 2, lines.size());
        assertEquals("SessionStart", lines.get(0).get("message").asText());
        assertEquals("Monza \"Q\"", lines.get(0).get("label").asText());
        assertEquals(TestFrames.SESSION_A.toString(), lines.get(0).get("session_id").asText());
        final JsonNode frame = lines.get(1 + 7);
        assertEquals(frameIndex.get(7).longValue(), frame.get("index").asLong());
        assertEquals("TelemetryFrame", frame.get("message").asText());
        assertEquals(7, frame.get("sequence").asLong());
        assertEquals(TestFrames.SESSION_B.toString(), frame.get("session_id").asText());
        assertEquals(2, frame.get("source_id").asInt());
        assertEquals(TestFrames.PLAYER.toString(), frame.get("player_id").asText());
        assertEquals(3, frame.get("samples").size()); // 1 + 7 % 5
        assertEquals(TestFrames.valueOf(TestFrames.typeOf(1), 7, 1), frame.get("samples").get("Engine_RPM").asLong());
        assertEquals("SessionEnd", lines.get(lines.size() - 1).get("message").asText());
    }

    @Test
    void shouldDumpAnIndexRangeOfOneSession() throws IOException
    {
        final long from = frameIndex.get(100);
        final long to = frameIndex.get(199);
        final List<JsonNode> lines = dump(new JournalDumper.Options(from, to, TestFrames.SESSION_A,
            JournalDumper.Format.JSON));
        assertEquals(50, lines.size());
        for (final JsonNode line : lines)
        {
            assertEquals(TestFrames.SESSION_A.toString(), line.get("session_id").asText());
            final long index = line.get("index").asLong();
            assertTrue(index >= from && index <= to, line.toString());
            assertEquals(0, line.get("sequence").asLong() % 2);
        }
        assertEquals(100, lines.get(0).get("sequence").asLong());
    }

    @Test
    void shouldDumpCsvWithOneColumnPerChannelFound() throws IOException
    {
        final long from = frameIndex.get(10);
        final long to = frameIndex.get(12);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalDumper.Result result = new JournalDumper(ParameterRegistry.simV1()).dump(journal,
                new JournalDumper.Options(from, to, null, JournalDumper.Format.CSV), out, ProgressListener.NONE);
            assertEquals(3, result.written());
        }
        final String[] rows = out.toString(StandardCharsets.UTF_8).split("\n");
        // Frames 10, 11, 12 hold 1, 2 and 3 samples: channels 1..3 only.
        assertEquals("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector," +
            "Engine_RPM,Throttle_Position,Speed", rows[0]);
        assertEquals(4, rows.length);
        assertEquals(frameIndex.get(10) + "," + TestFrames.SESSION_A + "," + TestFrames.PLAYER + ",1,10," +
            (TestFrames.BASE_TIMESTAMP_US + 10_000) + ",1,1," + TestFrames.valueOf(TestFrames.typeOf(1), 10, 1) + ",,",
            rows[1]);
        final String[] last = rows[3].split(",", -1);
        assertEquals(11, last.length);
        assertEquals(Float.toString((float)(10 * 0.25 + 3) + 2 * 0.25f), last[10]);
    }

    @Test
    void shouldVerifyAnIntactJournal()
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalVerifier.Result result = JournalVerifier.verify(journal, ProgressListener.NONE);
            assertTrue(result.ok(), String.valueOf(result));
            assertEquals(FRAMES + 2, result.entriesChecked());
            assertEquals(Journal.NO_INDEX, result.firstBadIndex());
        }
    }

    @Test
    void shouldReportTheIndexOfADamagedMessage() throws IOException
    {
        final int damaged = 1234;
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[2048]);
        final int length = new TestFrames().frame(expected, 0, damaged, 1 + damaged % 5, TestFrames.SESSION_A, 1);
        final Path file = cycleFile();
        final byte[] bytes = Files.readAllBytes(file);
        final int at = find(bytes, JournalRoundTripTest.copy(expected, 0, length));
        bytes[at + 4] = (byte)0xEE; // the SBE schema id's low byte
        Files.write(file, bytes);

        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalVerifier.Result result = JournalVerifier.verify(journal, ProgressListener.NONE);
            assertFalse(result.ok());
            assertEquals(frameIndex.get(damaged).longValue(), result.firstBadIndex());
            assertEquals(1, result.badEntries());
            assertTrue(result.firstProblem().contains("schema id is not the Pitgun frame schema (7406, expected 7301)"),
                result.firstProblem());
            assertFalse(result.stoppedEarly());
            assertEquals(FRAMES + 2, result.entriesChecked());

            final JournalStats stats = JournalStatsCollector.collect(journal, ProgressListener.NONE);
            assertEquals(FRAMES - 1, stats.frames());
            assertEquals(frameIndex.get(damaged).longValue(), stats.firstBadIndex());
        }
    }

    @Test
    void shouldReportTheIndexWhereAChronicleHeaderIsDamaged() throws IOException
    {
        final int damaged = 2000;
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[2048]);
        final int length = new TestFrames().frame(expected, 0, damaged, 1 + damaged % 5, TestFrames.SESSION_A, 1);
        final Path file = cycleFile();
        final byte[] bytes = Files.readAllBytes(file);
        final int header = find(bytes, JournalRoundTripTest.copy(expected, 0, length)) -
            JournalEntryDescriptor.ENTRY_HEADER_LENGTH - JournalEntryDescriptor.MESSAGE_OFFSET - Integer.BYTES;
        // Claim a document far longer than the rest of the file.
        bytes[header] = (byte)0xF0;
        bytes[header + 1] = (byte)0xFF;
        bytes[header + 2] = (byte)0xFF;
        bytes[header + 3] = (byte)0x0F;
        Files.write(file, bytes);

        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalVerifier.Result result = JournalVerifier.verify(journal, ProgressListener.NONE);
            assertFalse(result.ok(), String.valueOf(result));
            assertEquals(frameIndex.get(damaged).longValue(), result.firstBadIndex(), String.valueOf(result));
            assertNotNull(result.firstProblem());
        }
    }

    private List<JsonNode> dump(final JournalDumper.Options options) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir)))
        {
            final JournalDumper.Result result =
                new JournalDumper(ParameterRegistry.simV1()).dump(journal, options, out, ProgressListener.NONE);
            assertEquals(0, result.skipped());
        }
        final ObjectMapper mapper = new ObjectMapper();
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : out.toString(StandardCharsets.UTF_8).split("\n"))
        {
            if (!line.isEmpty())
            {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }

    private Path cycleFile() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> cycles = files.filter(f -> f.toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            return cycles.get(0);
        }
    }

    static int find(final byte[] haystack, final byte[] needle)
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
        throw new AssertionError("bytes not found in the queue file");
    }
}
