package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hive's Archive record is one recording, kept while it is written and continued across restarts; a recording
 * past its most bytes is finished and purged, as are the shipping stream's recordings earlier versions made.
 */
class ArchiveRetentionTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private String channel;
    private Path hiveData;

    @BeforeEach
    void setUp() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            channel = "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
        hiveData = dir.resolve("hive");
    }

    @Test
    void shouldRecordSuccessiveEdgeConnectionsInOneLiveRecording() throws Exception
    {
        try (Journal first = Journal.open(JournalConfig.of(dir.resolve("edge-1/journal")));
            Journal second = Journal.open(JournalConfig.of(dir.resolve("edge-2/journal")));
            Hive hive = startHive())
        {
            append(first, 500);
            append(second, 300);
            try (EdgeShipper shipper = startShipper(first, "edge-1"))
            {
                awaitHeld(hive, shipper, first);
            }
            try (EdgeShipper shipper = startShipper(second, "edge-2"))
            {
                awaitHeld(hive, shipper, second);
                final List<Long> live = activeRecordings(hive);
                assertEquals(1, live.size(), "the hive's record is one recording: " + live);
                assertEquals(Set.of(live.get(0)), recordingsOnDisk(), "its segment files alone");
                append(second, 100);
                awaitHeld(hive, shipper, second);
                assertEquals(live, activeRecordings(hive), "the same recording goes on");
                assertEquals(0, hive.archiveRecordingsPurged(), "nothing finished, nothing purged");
                assertEquals(0, hive.archiveRetentionFailures());
            }
        }
    }

    @Test
    void shouldPurgeAtStartTheRecordingsOfTheShippingStreamAnEarlierVersionMade() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.of(dir.resolve("edge/journal"))))
        {
            append(journal, 200);
            final List<Long> record;
            try (Hive hive = startHive())
            {
                // What hives before the write-ahead record did: record the shipping stream as it arrives.
                hive.archiveClient().startRecording(channel, ShipperConfig.DEFAULT_STREAM_ID,
                    io.aeron.archive.codecs.SourceLocation.REMOTE);
                try (EdgeShipper shipper = startShipper(journal, "edge"))
                {
                    awaitHeld(hive, shipper, journal);
                    Await.until("both recordings are written", WAIT, () -> activeRecordings(hive).size() == 2);
                }
                record = List.of(activeRecordings(hive).stream().mapToLong(Long::longValue).min().orElseThrow());
            }
            assertEquals(2, recordingsOnDisk().size(), "the stopped hive left both recordings");
            try (Hive hive = startHive())
            {
                assertEquals(1, hive.archiveRecordingsPurged(), "the shipping stream's recording purged at start");
                assertEquals(Set.copyOf(record), recordingsOnDisk(), "the hive's record kept");
                assertEquals(record, activeRecordings(hive), "and continued");
            }
        }
    }

    @Test
    void shouldRestartARecordingBeingWrittenThatPassesItsMostBytesAndPurgeWhatItHeld() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.of(dir.resolve("edge/journal")));
            Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))
                .withMaxLiveRecordingBytes(65_536));
            EdgeShipper shipper = startShipper(journal, "edge"))
        {
            // One connection that never ends: 3,000 frames of 64 bytes are about 300 KiB of batches.
            append(journal, 3_000);
            awaitHeld(hive, shipper, journal);
            Await.until("the live recording restarted and the finished one purged", WAIT,
                () -> hive.archiveRecordingRestarts() >= 1 && hive.archiveRecordingsPurged() >= 1);
            Await.until("only the live recording is on disk", WAIT, () -> recordingsOnDisk().size() == 1);
            assertEquals(activeRecordings(hive).size(), 1, "the edge's connection is recorded again");
            assertEquals(0, hive.archiveRetentionFailures());

            append(journal, 100); // shipping goes on over the same connection
            awaitHeld(hive, shipper, journal);
        }
    }

    private Hive startHive()
    {
        return Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
    }

    private EdgeShipper startShipper(final Journal journal, final String name)
    {
        return EdgeShipper.start(journal, dir.resolve(name), ShipperConfig.to(channel)
            .withFlushIntervalNs(1_000_000L).withAeronDirectory(dir.resolve("aeron-" + name)));
    }

    private static void awaitHeld(final Hive hive, final EdgeShipper shipper, final Journal journal) throws Exception
    {
        Await.until("the hive holds " + shipper.edgeId(), WAIT, () -> hive.edges().stream().anyMatch(edge ->
            edge.edgeId().equals(shipper.edgeId()) && edge.heldIndex() == journal.lastIndex()));
    }

    private static List<Long> activeRecordings(final Hive hive)
    {
        final List<Long> ids = new java.util.ArrayList<>();
        hive.forEachActiveRecording((recordingId, position) -> ids.add(recordingId));
        return ids;
    }

    /** The recording ids that have segment files ({@code RECORDING_ID-POSITION.rec}) in the archive directory. */
    private Set<Long> recordingsOnDisk() throws IOException
    {
        try (Stream<Path> files = Files.list(hiveData.resolve(HiveConfig.ARCHIVE_DIRECTORY)))
        {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".rec"))
                .map(name -> Long.parseLong(name.substring(0, name.indexOf('-'))))
                .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void append(final Journal journal, final int count)
    {
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < count; i++)
        {
            message.putInt(0, i);
            appender.begin();
            appender.add(message, 0, 64, 1L + i, i, ~i, i * 7L, 0, 0);
            appender.commit();
        }
    }
}
