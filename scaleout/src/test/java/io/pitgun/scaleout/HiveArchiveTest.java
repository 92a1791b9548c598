package io.pitgun.scaleout;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalException;
import io.pitgun.testsupport.Await;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hive's Aeron Archive record ({@link HiveRecorder}): one recording continued across hive restarts with
 * {@code extendRecording}, whose bytes replay to exactly the frames the hive holds; and a batch recorded but not
 * appended when the writer died is appended from the record at the next start, with no edge to send it again.
 */
class HiveArchiveTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    private Path edgeData;
    private Path hiveData;
    private String channel;
    private Journal edgeJournal;
    /** Null: unsigned batches (loopback); else the hive's secrets and the edge's secret file. */
    private EdgeSecrets hiveSecrets;
    private Path edgeSecretFile;

    @BeforeEach
    void setUp() throws Exception
    {
        edgeData = dir.resolve("edge");
        hiveData = dir.resolve("hive");
        channel = "aeron:udp?endpoint=127.0.0.1:" + ShippingTest.freeUdpPort();
        edgeJournal = Journal.open(JournalConfig.of(edgeData.resolve("journal")));
    }

    @AfterEach
    void tearDown()
    {
        edgeJournal.close();
    }

    @Test
    void shouldExtendOneRecordingAcrossAHiveRestartWithContinuousBytes() throws Exception
    {
        ShippingTest.append(edgeJournal, 0, 3_000);
        final long recordingId;
        final long firstRunEnd;
        try (EdgeShipper shipper = startShipper())
        {
            try (Hive hive = startHive())
            {
                assertFalse(hive.archiveRecordingExtended(), "nothing to extend in a new data directory");
                awaitHiveHolds(shipper.edgeId());
                awaitRecorded(hive);
                final List<long[]> recordings = recordings(hive);
                assertEquals(1, recordings.size(), "one recording of the hive's record");
                recordingId = recordings.get(0)[0];
                assertEquals(0, recordings.get(0)[1], "it starts at position 0");
                firstRunEnd = hive.recordPosition();
                assertTrue(firstRunEnd > 0);
            }
            ShippingTest.append(edgeJournal, 3_000, 2_000); // shipped once the hive is back
            try (Hive hive = startHive())
            {
                awaitHiveHolds(shipper.edgeId());
                awaitRecorded(hive);
                final List<long[]> recordings = recordings(hive);
                assertEquals(1, recordings.size(), "still one recording: extended, not replaced");
                assertEquals(recordingId, recordings.get(0)[0]);
                assertEquals(0, recordings.get(0)[1]);
                assertTrue(hive.archiveRecordingExtended(), "the restarted hive continued its recording");
                final long end = hive.recordPosition();
                assertTrue(end > firstRunEnd, "the recording grew past the first run's end");
                // Continuous: its bytes from 0 to the end replay to every frame the edge journaled, in order.
                final List<String> replayed = replayFrames(hive, recordingId, end);
                assertEquals(ShippingTest.read(edgeJournal, false), replayed);
            }
        }
    }

    @Test
    void shouldAppendFromTheRecordABatchRecordedButNotAppendedWhenTheHiveDied() throws Exception
    {
        recordedButNotAppended();
    }

    @Test
    void shouldAppendFromTheRecordASignedEdgesBatchRecordedButNotAppended() throws Exception
    {
        final String secret = "a-secret-of-at-least-32-characters-0123456789";
        final UUID id = EdgeId.loadOrCreate(edgeData);
        hiveSecrets = EdgeSecrets.read(Files.writeString(dir.resolve("edge-secrets"), id + " " + secret + "\n"));
        edgeSecretFile = Files.writeString(dir.resolve("edge-secret"), secret);
        recordedButNotAppended();
    }

    private void recordedButNotAppended() throws Exception
    {
        ShippingTest.append(edgeJournal, 0, 600);
        final UUID edgeId;
        try (Hive hive = startHive())
        {
            hive.agent().haltAfterNextRecord(); // dies between recording a batch and appending it
            try (EdgeShipper shipper = startShipper())
            {
                edgeId = shipper.edgeId();
                Await.until("a batch is recorded", WAIT, () -> hive.recordPosition() > 0);
                awaitRecorded(hive);
            }
            assertEquals(Journal.NO_INDEX, heldIndex(edgeId), "recorded, never appended");
        }
        // The edge is gone: only the record has the batch.
        try (Hive hive = startHive())
        {
            final List<String> edge = ShippingTest.read(edgeJournal, false);
            final List<String> atHive = framesAtHive(edgeId);
            assertFalse(atHive.isEmpty(), "the recorded batch is in the journal");
            assertEquals(edge.subList(0, atHive.size()), atHive, "the edge's first frames, in order");
            assertTrue(hive.archiveReplayedBytes() > 0, "from the record's tail, replayed");
            // The restart replayed the tail and continued the recording without a wait running into its timeout.
            assertEquals(0, hive.startTimeoutsHit(), "waits of the start that ran into their timeout");
            assertTrue(hive.startPhases().stream().anyMatch(phase -> phase.name().equals("tail replay")),
                hive.startPhases().toString());
            try (EdgeShipper ignored = startShipper())
            {
                awaitHiveHolds(edgeId);
                assertEquals(edge, framesAtHive(edgeId), "every frame once");
            }
        }
    }

    private Hive startHive()
    {
        return Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
            .withEdgeSecrets(hiveSecrets));
    }

    private EdgeShipper startShipper()
    {
        return EdgeShipper.start(edgeJournal, edgeData, ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L)
            .withAckTimeoutNs(500_000_000L).withAeronDirectory(dir.resolve("aeron-edge"))
            .withSecretFile(edgeSecretFile));
    }

    /** Waits until the Archive has recorded everything offered to the record. */
    private static void awaitRecorded(final Hive hive) throws Exception
    {
        Await.until("the archive records the hive's record up to its publication", WAIT, () ->
        {
            final long[] recorded = {-1};
            hive.forEachActiveRecording((id, position) -> recorded[0] = Math.max(recorded[0], position));
            return recorded[0] == hive.recordPosition();
        });
    }

    /** Recordings of the hive's record: {id, start position}. */
    private static List<long[]> recordings(final Hive hive)
    {
        final List<long[]> found = new ArrayList<>();
        hive.archiveClient().listRecordingsForUri(0, 100, "aeron:ipc", HiveRecorder.RECORDING_STREAM_ID,
            (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                strippedChannel, originalChannel, sourceIdentity) -> found.add(new long[] {recordingId, startPosition}));
        return found;
    }

    /** The frames of the recording's batches from position 0 to {@code end}, each once (by edge position). */
    private static List<String> replayFrames(final Hive hive, final long recordingId, final long end)
        throws Exception
    {
        final List<String> frames = new ArrayList<>();
        final long[] last = {Journal.NO_INDEX};
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final int count = buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER);
            int record = offset + ShippingDescriptor.framesOffset(
                buffer.getInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER));
            for (int i = 0; i < count; i++)
            {
                final long position = buffer.getLong(record + ShippingDescriptor.FRAME_POSITION_OFFSET, ORDER);
                final int length2 = buffer.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER);
                if (position > last[0])
                {
                    last[0] = position;
                    frames.add(describe(buffer, record, position, length2));
                }
                record += ShippingDescriptor.FRAME_MESSAGE_OFFSET + length2;
            }
        });
        try (Subscription replay = hive.archiveClient().replay(recordingId, 0, end, "aeron:ipc", 1699))
        {
            Await.until("the recording is replayed", WAIT, () ->
            {
                replay.poll(assembler, 256);
                return replay.imageCount() > 0 && replay.imageAtIndex(0).position() >= end;
            });
        }
        return frames;
    }

    /** A frame record as {@link ShippingTest#read} writes a journal's frame. */
    private static String describe(final DirectBuffer buffer, final int record, final long position, final int length)
    {
        final int identity = record + ShippingDescriptor.FRAME_IDENTITY_OFFSET - JournalEntryDescriptor.IDENTITY_OFFSET;
        final byte[] bytes = new byte[length];
        buffer.getBytes(record + ShippingDescriptor.FRAME_MESSAGE_OFFSET, bytes);
        return position + " " + buffer.getLong(identity + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, ORDER) + "/" +
            buffer.getLong(identity + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, ORDER) + "/" +
            buffer.getLong(identity + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, ORDER) + "/" +
            buffer.getInt(identity + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, ORDER) + "/" +
            buffer.getInt(identity + JournalEntryDescriptor.FRAME_COUNT_OFFSET, ORDER) + " " + Arrays.toString(bytes);
    }

    private long heldIndex(final UUID edgeId)
    {
        try (Journal hive = Journal.open(JournalConfig.readOnly(
            HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString()))))
        {
            return hive.lastIndex() == Journal.NO_INDEX ? Journal.NO_INDEX : HiveEdgeWriter.readHeldIndex(hive);
        }
        catch (final JournalException empty)
        {
            return Journal.NO_INDEX;
        }
    }

    private List<String> framesAtHive(final UUID edgeId)
    {
        try (Journal hive = Journal.open(JournalConfig.readOnly(
            HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString()))))
        {
            return ShippingTest.read(hive, true);
        }
    }

    private void awaitHiveHolds(final UUID edgeId) throws Exception
    {
        final long last = edgeJournal.lastIndex();
        Await.until("the hive holds up to edge position " + last, WAIT, () -> heldIndex(edgeId) == last);
    }
}
