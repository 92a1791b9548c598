package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.aeron.driver.ext.DebugReceiveChannelEndpoint;
import io.aeron.driver.ext.RandomLossGenerator;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.DamagedJournal;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An edge journal, a shipper and a hive in one process over loopback UDP: the hive's journal for the edge must
 * hold the edge's frames, byte for byte, in order, once — also when the shipper or the hive restarts mid-stream.
 */
class ShippingTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path edgeData;
    private Path hiveData;
    private String channel;
    private Journal edgeJournal;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        edgeData = dir.resolve("edge");
        hiveData = dir.resolve("hive");
        channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        edgeJournal = Journal.open(JournalConfig.of(edgeData.resolve("journal")));
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
        edgeJournal.close();
    }

    @Test
    void shouldShipEveryFrameOnceInOrder() throws Exception
    {
        append(edgeJournal, 0, 2_500);
        final Hive hive = startHive();
        final EdgeShipper shipper = startShipper();
        awaitHiveHolds(shipper.edgeId());
        assertSameFrames(shipper.edgeId());
        assertEquals(2_500, shipper.counters().framesShipped());
        assertTrue(shipper.counters().batchesShipped() >= 3, "batches of at most 1,000 frames");
        assertEquals(0, shipper.counters().framesDropped());
        Await.until("the shipper's lag drains", WAIT, () -> shipper.counters().lagFrames() == 0);
        assertEquals(2_500, hive.edges().get(0).framesWritten());

        append(edgeJournal, 2_500, 10); // a partial batch goes out after the flush interval
        awaitHiveHolds(shipper.edgeId());
        assertSameFrames(shipper.edgeId());
    }

    @Test
    void shouldKeepOneJournalPerEdge() throws Exception
    {
        final Hive hive = startHive();
        final Path otherData = dir.resolve("edge-2");
        try (Journal other = Journal.open(JournalConfig.of(otherData.resolve("journal"))))
        {
            append(edgeJournal, 0, 3_000);
            append(other, 10_000, 2_000);
            final EdgeShipper first = startShipper();
            try (EdgeShipper second = EdgeShipper.start(other, otherData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-edge-2"))))
            {
                awaitHiveHolds(first.edgeId());
                assertSameFrames(first.edgeId());
                final Path otherAtHive = HiveConfig.of(channel, hiveData).edgeJournal(second.edgeId().toString());
                Await.until("the hive holds the second edge's journal", WAIT, () ->
                {
                    if (!otherAtHive.toFile().isDirectory())
                    {
                        return false;
                    }
                    try (Journal atHive = Journal.open(JournalConfig.readOnly(otherAtHive)))
                    {
                        return HiveEdgeWriter.readHeldIndex(atHive) == other.lastIndex();
                    }
                });
                try (Journal atHive = Journal.open(JournalConfig.readOnly(otherAtHive)))
                {
                    assertEquals(read(other, false), read(atHive, true));
                }
                assertEquals(2, hive.edges().size());
            }
        }
    }

    /**
     * 100 frames in this test's edge journal and in {@code other}; this test's edge shipped and held by the hive
     * ({@code other}'s edge is the caller's to start).
     */
    private EdgeShipper shipFirstBeside(final Journal other) throws Exception
    {
        append(edgeJournal, 0, 100);
        append(other, 0, 100);
        final EdgeShipper first = startShipper();
        awaitHiveHolds(first.edgeId());
        return first;
    }

    @Test
    void shouldServeNoMoreEdgesThanItsMostAndCountTheOthers() throws Exception
    {
        final Hive hive = startHive(HiveConfig.of(channel, hiveData).withMaxEdges(1));
        final Path otherData = dir.resolve("edge-2");
        try (Journal other = Journal.open(JournalConfig.of(otherData.resolve("journal"))))
        {
            shipFirstBeside(other);
            try (EdgeShipper second = EdgeShipper.start(other, otherData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-edge-2"))))
            {
                Await.until("the second edge's batches refused", WAIT, () -> hive.edgesRefused() > 0);
                assertEquals(1, hive.edges().size());
                assertFalse(Files.exists(HiveConfig.of(channel, hiveData).edgeJournal(second.edgeId().toString())),
                    "a refused edge gets no journal");
                assertEquals(Journal.NO_INDEX, second.counters().ackedIndex());
            }
        }
    }

    /**
     * Unauthenticated batches (loopback, or {@code --insecure}) under made-up edge ids made a journal directory each,
     * without bound, now that {@code --max-edges} releases gone edges for new ids. Now at
     * {@code --max-edge-directories} a new id's batches are ignored and counted, before any edge is released for it;
     * an edge the hive holds a directory of is still taken.
     */
    @Test
    void shouldMakeNoMoreEdgeDirectoriesThanItsMostForUnauthenticatedBatches() throws Exception
    {
        final Hive hive = startHive(HiveConfig.of(channel, hiveData).withMaxEdges(1).withMaxEdgeDirectories(1));
        final Path otherData = dir.resolve("edge-2");
        try (Journal other = Journal.open(JournalConfig.of(otherData.resolve("journal"))))
        {
            final EdgeShipper first = shipFirstBeside(other);
            first.close(); // gone: --max-edges alone would release it for the next new id
            try (EdgeShipper second = EdgeShipper.start(other, otherData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-edge-2"))))
            {
                final Path secondAtHive = HiveConfig.of(channel, hiveData).edgeJournal(second.edgeId().toString());
                Await.until("the second edge's batches refused, or taken", WAIT,
                    () -> hive.edgeDirectoriesRefused() > 0 || Files.exists(secondAtHive));
                assertFalse(Files.exists(secondAtHive.getParent()), "a refused edge gets no directory");
                assertEquals(0, hive.edgesReleased(), "no edge released for an edge that is refused");
                final String metrics = HiveMetrics.render(hive);
                assertTrue(metrics.contains("\npitgun_hive_edge_directories 1\n") &&
                    metrics.contains("\npitgun_hive_edge_directories_refused_total " + hive.edgeDirectoriesRefused() +
                        "\n"), metrics);
            }
            append(edgeJournal, 100, 100);
            try (EdgeShipper again = startShipper()) // an edge with a directory at the hive is still taken
            {
                awaitHiveHolds(again.edgeId());
            }
        }
    }

    /**
     * An edge whose journal at the hive is damaged (a zeroed record header: frames appended after it would be read
     * by nothing) is refused when the hive opens that journal: its batches are ignored, unacknowledged, and counted,
     * once checked, while the other edges are served. Before, the refusal escaped the writer as an exception, logged
     * with every batch of that edge, each one opening and reading the journal through again (and, replaying a
     * recording at start, stopped the hive).
     */
    @Test
    void shouldIgnoreTheBatchesOfAnEdgeWhoseJournalIsDamagedAndServeTheOthers() throws Exception
    {
        // Enough entries that Chronicle finds the journal's last index from its own index, past the damage (with
        // fewer, it finds it by reading in order, stops where the read stops, and the open cannot tell).
        append(edgeJournal, 0, 3_000);
        final UUID damagedEdge;
        try (Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")));
            EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-edge"))))
        {
            damagedEdge = shipper.edgeId();
            awaitHiveHolds(damagedEdge);
        }
        DamagedJournal.zeroHeader(HiveConfig.of(channel, hiveData).edgeJournal(damagedEdge.toString()), 1);
        append(edgeJournal, 3_000, 100);

        final Hive hive = startHive();
        final Path otherData = dir.resolve("edge-2");
        try (Journal other = Journal.open(JournalConfig.of(otherData.resolve("journal"))))
        {
            append(other, 0, 100);
            final EdgeShipper first = startShipper();
            try (EdgeShipper second = EdgeShipper.start(other, otherData,
                shipperConfig().withAeronDirectory(dir.resolve("aeron-edge-2"))))
            {
                Await.until("the second edge served", WAIT, () -> second.counters().ackedIndex() == other.lastIndex());
                Await.until("the damaged edge's batches ignored", WAIT, () -> hive.batchesOfDamagedEdges() > 1);
                assertEquals(1, hive.edges().size(), "only the second edge has a writer");
                assertTrue(first.counters().ackedIndex() < edgeJournal.lastIndex(), "nothing new acknowledged");
            }
        }
    }

    @Test
    void shouldNotAcknowledgeToAReplyAddressOnAnotherHostThanTheBatches() throws Exception
    {
        startHive();
        append(edgeJournal, 0, 100);
        // 127.0.0.2 is loopback too, so the edge can listen there; the batches still come from 127.0.0.1.
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, shipperConfig()
            .withAeronDirectory(dir.resolve("aeron-edge")).withReplyChannel("aeron:udp?endpoint=127.0.0.2:0"));
        open.add(shipper);
        final Hive hive = (Hive)open.get(0);
        Await.until("the reply channel refused", WAIT, () -> hive.repliesRefused() > 0);
        assertEquals(Journal.NO_INDEX, shipper.counters().ackedIndex());
    }

    @Test
    void shouldNotMistakeAnIdlePeriodForASilentHive() throws Exception
    {
        // The clock is the test's: time passes only when the test says so.
        final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
        startHive();
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
            shipperConfig().withFlushIntervalNs(0).withAeronDirectory(dir.resolve("aeron-edge")),
            UnaryOperator.identity(), nowNs::get);
        open.add(shipper);
        append(edgeJournal, 0, 100);
        awaitHiveHolds(shipper.edgeId());
        // The hive's ACK back at the edge first: one still on its way when the clock jumps is a real timeout (the
        // test once rewound twice that way under CI load).
        Await.until("the first batch acknowledged", WAIT, () -> shipper.counters().lagFrames() == 0);
        nowNs.addAndGet(60_000_000_000L); // a minute without frames, far past the ACK timeout
        append(edgeJournal, 100, 100);
        awaitHiveHolds(shipper.edgeId());
        Await.until("the last batch acknowledged", WAIT, () -> shipper.counters().lagFrames() == 0);
        assertEquals(1, shipper.counters().rewinds(), "rewound only at start: the ACK timeout runs from the batch");
        assertSameFrames(shipper.edgeId());
    }

    @Test
    void shouldShipExactlyOnceAcrossAShipperRestartMidStream() throws Exception
    {
        startHive();
        final Path aeronDir = dir.resolve("aeron-edge");
        final ShipperConfig config = shipperConfig().withAeronDirectory(aeronDir);
        try (Writer writer = new Writer(edgeJournal, 20_000))
        {
            EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData, config);
            Await.until("some frames shipped", WAIT, () -> shipper.counters().framesShipped() > 2_000);
            shipper.close(); // batches in flight, their ACKs never read
            final EdgeShipper second = EdgeShipper.start(edgeJournal, edgeData, config);
            open.add(second);
            writer.awaitDone();
            awaitHiveHolds(second.edgeId());
            assertSameFrames(second.edgeId());
        }
    }

    @Test
    void shouldStopAndSaySoWhenTheEdgeJournalWasResetUnderTheSameEdgeId() throws Exception
    {
        // A journal deleted and started again within the same roll cycle numbers its frames from the same
        // positions: shipping them would have the hive drop them as ones it holds, so the shipper stops, counted.
        final Hive hive = startHive();
        final ShipperConfig config = shipperConfig().withAeronDirectory(dir.resolve("aeron-edge"));
        shipThenResetTheEdgeJournal(500, config);
        append(edgeJournal, 500, 300);

        final EdgeShipper second = EdgeShipper.start(edgeJournal, edgeData, config);
        open.add(second);
        Await.until("the shipper says the journal diverged", WAIT,
            () -> second.counters().stalled() == ShipperCounters.STALLED_JOURNAL_DIVERGED);
        assertEquals(0, second.counters().framesShipped());
        assertEquals(500, hive.edges().get(0).framesWritten());
    }

    @Test
    void shouldStopWhenTheResetJournalHasOtherFramesAtThePositionsTheHiveHolds() throws Exception
    {
        // The case positions alone cannot catch: the journal lost its tail (or was reset) and journaled new frames
        // past the hive's last position before the hive answered. The frame at that position is another one; the
        // ACK's fingerprint of the hive's frame says so.
        final Hive hive = startHive();
        final ShipperConfig config = shipperConfig().withAeronDirectory(dir.resolve("aeron-edge"));
        shipThenResetTheEdgeJournal(500, config);
        append(edgeJournal, 0, 800, 1); // the same positions, other bytes, and 300 more

        final EdgeShipper second = EdgeShipper.start(edgeJournal, edgeData, config);
        open.add(second);
        Await.until("the shipper says the journal diverged", WAIT,
            () -> second.counters().stalled() == ShipperCounters.STALLED_JOURNAL_DIVERGED);
        assertEquals(0, second.counters().framesShipped());
        assertEquals(500, hive.edges().get(0).framesWritten());
    }

    /**
     * The cycle file holding the hive's acknowledged position deleted by hand (an operator freeing disk): any frame
     * after that position in it never reaches the hive, and nothing on the wire shows it (the hive takes the next
     * frame as the successor of the one it holds). The shipper says so and counts it, then ships on. Before, it
     * logged that it read from the journal's start, and no counter, stall or gap moved (a black-box pass lost 31,070
     * acknowledged frames at the hive that way without an alarm).
     */
    @Test
    void shouldCountAGapWhenTheCycleFilesUpToTheHivesPositionWereDeleted() throws Exception
    {
        // 500 frames in a cycle file an hour old (written now, the file then named for the hour before: Chronicle
        // takes a file's cycle from its name), shipped; 300 more in this hour's file; the old file deleted.
        append(edgeJournal, 0, 500);
        edgeJournal.close();
        final Path journalDir = edgeData.resolve("journal");
        final Path current = cycleFiles(journalDir).get(0);
        final java.time.format.DateTimeFormatter hourly =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'").withZone(java.time.ZoneOffset.UTC);
        final java.time.Instant hour = java.time.LocalDateTime.parse(current.getFileName().toString(),
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'")).toInstant(java.time.ZoneOffset.UTC);
        final Path hourBefore = journalDir.resolve(hourly.format(hour.minus(java.time.Duration.ofHours(1))));
        Files.move(current, hourBefore);
        Files.delete(journalDir.resolve("metadata.cq4t")); // it records the file under its old name
        edgeJournal = Journal.open(JournalConfig.of(journalDir));
        final Hive hive = startHive();
        final ShipperConfig config = shipperConfig().withAeronDirectory(dir.resolve("aeron-edge"));
        try (EdgeShipper first = EdgeShipper.start(edgeJournal, edgeData, config))
        {
            awaitHiveHolds(first.edgeId());
            assertEquals(0, first.counters().journalGaps());
        }
        append(edgeJournal, 500, 300);
        edgeJournal.close();
        assertEquals(2, cycleFiles(journalDir).size(), cycleFiles(journalDir).toString());
        Files.delete(hourBefore); // every frame the hive holds, and the frames after them it would lack
        edgeJournal = Journal.open(JournalConfig.of(journalDir));

        final EdgeShipper second = EdgeShipper.start(edgeJournal, edgeData, config);
        open.add(second);
        Await.until("the 300 frames of this hour's file shipped", WAIT,
            () -> hive.edges().get(0).framesWritten() == 800);
        assertEquals(1, second.counters().journalGaps());
        assertEquals(ShipperCounters.NOT_STALLED, second.counters().stalled());
    }

    /**
     * A cycle file deleted from the middle of the edge's journal (to free disk space): the shipper went from the file
     * before it to the one after it without a word, as across an hour without data, and the hive took the frame
     * after the gap as the successor of the one before it: the frames the file held never reached the hive,
     * unannounced. Now the shipper counts the gap ({@code pitgun_ship_journal_cycle_gaps_total}) and says at WARN
     * which positions are missing; not {@code pitgun_ship_journal_gaps_total}, which counts the hive's position
     * deleted from the journal's start.
     */
    @Test
    void shouldCountACycleFileDeletedFromTheMiddleOfTheJournal() throws Exception
    {
        final Path journalDir = edgeData.resolve("journal");
        append(edgeJournal, 0, 100);
        edgeJournal.close();
        DamagedJournal.moveLastCycleFileBack(journalDir, 2);
        edgeJournal = Journal.open(JournalConfig.of(journalDir));
        append(edgeJournal, 100, 100);
        edgeJournal.close();
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journalDir, 1);
        edgeJournal = Journal.open(JournalConfig.of(journalDir));
        append(edgeJournal, 200, 100);
        edgeJournal.close();
        Files.delete(deleted);
        edgeJournal = Journal.open(JournalConfig.of(journalDir));

        final Hive hive = startHive();
        final EdgeShipper shipper = startShipper();
        awaitHiveHolds(shipper.edgeId());
        assertEquals(200, hive.edges().get(0).framesWritten(), "the 100 frames of the deleted file are gone");
        assertEquals(1, shipper.counters().journalCycleGaps());
        assertEquals(0, shipper.counters().journalGaps(), "the hive's position was not deleted");
    }

    private static List<Path> cycleFiles(final Path journalDir) throws java.io.IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void shouldShipExactlyOnceAcrossAHiveRestartMidStream() throws Exception
    {
        final HiveConfig hiveConfig = HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"));
        final Hive first = Hive.start(hiveConfig);
        final EdgeShipper shipper = startShipper();
        try (Writer writer = new Writer(edgeJournal, 20_000))
        {
            Await.until("some frames at the hive", WAIT,
                () -> !first.edges().isEmpty() && first.edges().get(0).framesWritten() > 2_000);
            first.close(); // frames in flight to it are lost: the edge must send them again
            open.add(Hive.start(hiveConfig));
            writer.awaitDone();
        }
        awaitHiveHolds(shipper.edgeId());
        assertSameFrames(shipper.edgeId());
        assertTrue(shipper.counters().rewinds() >= 2, "started once, rewound after the hive came back");
    }

    @Test
    void shouldShipExactlyOnceWhenPacketsAreLostBothWays() throws Exception
    {
        // Aeron's own loss generator drops 10 % of the data packets each side receives: batches to the hive, ACKs
        // to the edge. Aeron's NAKs and retransmits recover them; nothing of ours may lose or repeat a frame.
        final Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive")),
            ShippingTest::lossy);
        open.add(hive);
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
            shipperConfig().withAeronDirectory(dir.resolve("aeron-edge")), ShippingTest::lossy);
        open.add(shipper);
        try (Writer writer = new Writer(edgeJournal, 20_000))
        {
            writer.awaitDone();
        }
        awaitHiveHolds(shipper.edgeId());
        assertSameFrames(shipper.edgeId());
        try (Aeron client = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.resolve("aeron-hive").toString())))
        {
            final long naks = client.countersReader().getCounterValue(SystemCounterDescriptor.NAK_MESSAGES_SENT.id());
            assertTrue(naks > 0, "the hive asked for retransmissions (packets were lost): " + naks);
        }
    }

    /**
     * Journals {@code frames} frames, ships them all to the hive with a shipper that then stops, and deletes the edge
     * journal, opening an empty one in its place under the same edge id (the same roll cycle: the same positions).
     */
    private void shipThenResetTheEdgeJournal(final int frames, final ShipperConfig config) throws Exception
    {
        append(edgeJournal, 0, frames);
        try (EdgeShipper first = EdgeShipper.start(edgeJournal, edgeData, config))
        {
            awaitHiveHolds(first.edgeId());
        }
        edgeJournal.close();
        try (Stream<Path> files = Files.walk(edgeData.resolve("journal")))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        edgeJournal = Journal.open(JournalConfig.of(edgeData.resolve("journal")));
    }

    private static MediaDriver.Context lossy(final MediaDriver.Context context)
    {
        return context.receiveChannelEndpointSupplier((udpChannel, dispatcher, status, driver) ->
            new DebugReceiveChannelEndpoint(udpChannel, dispatcher, status, driver,
                new RandomLossGenerator(0.1, 16), new RandomLossGenerator(0.0, 16)));
    }

    private Hive startHive()
    {
        return startHive(HiveConfig.of(channel, hiveData));
    }

    /** A hive of {@code config} in this test's Aeron directory for hives, closed after the test. */
    private Hive startHive(final HiveConfig config)
    {
        final Hive hive = Hive.start(config.withAeronDirectory(dir.resolve("aeron-hive")));
        open.add(hive);
        return hive;
    }

    private EdgeShipper startShipper()
    {
        final EdgeShipper shipper = EdgeShipper.start(edgeJournal, edgeData,
            shipperConfig().withAeronDirectory(dir.resolve("aeron-edge")));
        open.add(shipper);
        return shipper;
    }

    private ShipperConfig shipperConfig()
    {
        return ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L).withAckTimeoutNs(500_000_000L);
    }

    private void awaitHiveHolds(final UUID edgeId) throws Exception
    {
        final long last = edgeJournal.lastIndex();
        final Path journal = HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString());
        Await.until("the hive holds up to edge position " + last, WAIT, () ->
        {
            if (!journal.toFile().isDirectory())
            {
                return false;
            }
            try (Journal hive = Journal.open(JournalConfig.readOnly(journal)))
            {
                return hive.lastIndex() != Journal.NO_INDEX && HiveEdgeWriter.readHeldIndex(hive) == last;
            }
            catch (final JournalException notYet)
            {
                return false; // the hive made the directory and has not written its first file yet
            }
            catch (final AssertionError chronicle)
            {
                // One of Chronicle's own assertions (tests run with -ea) in a read-only open's search for the end
                // while the hive writes (seen once, in StoreTailer): look again, as ShippingChaosTest does.
                final StackTraceElement[] at = chronicle.getStackTrace();
                if (at.length > 0 && at[0].getClassName().startsWith("net.openhft.chronicle."))
                {
                    return false;
                }
                throw chronicle;
            }
        });
    }

    private void assertSameFrames(final UUID edgeId)
    {
        final List<String> edge = read(edgeJournal, false);
        try (Journal hive = Journal.open(JournalConfig.readOnly(
            HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString()))))
        {
            final List<String> atHive = read(hive, true);
            assertEquals(edge.size(), atHive.size(), "frames at the hive");
            assertEquals(edge, atHive);
        }
    }

    /** Each frame as text: its edge position, identity and bytes. At the hive the position is the ingest field. */
    static List<String> read(final Journal journal, final boolean atHive)
    {
        final List<String> frames = new ArrayList<>();
        try (JournalTailer tailer = journal.tailer())
        {
            final JournalStampedEntryHandler handler = new JournalStampedEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    frames.add((atHive ? ingestTimeNs : index) + " " + stamp.eventIdMsb() + "/" +
                        stamp.eventIdLsb() + "/" + stamp.contentDigest() + "/" + stamp.frameOrdinal() + "/" +
                        stamp.frameCount() + " " + Arrays.toString(bytes));
                }
            };
            while (tailer.readNext(handler))
            {
                // read on
            }
        }
        return frames;
    }

    /** Appends frames {@code [from, from + count)}: varying lengths and identities, in entries of 1 to 40. */
    static void append(final Journal journal, final int from, final int count)
    {
        append(journal, from, count, 0);
    }

    /** As {@link #append(Journal, int, int)}, the bytes of each message shifted by {@code salt} (same layout). */
    private static void append(final Journal journal, final int from, final int count, final int salt)
    {
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[512]);
        int i = from;
        while (i < from + count)
        {
            appender.begin();
            final int inEntry = Math.min(1 + i % 40, from + count - i);
            for (int k = 0; k < inEntry; k++, i++)
            {
                final int length = 8 + i % 300;
                for (int b = 0; b < length; b++)
                {
                    message.putByte(b, (byte)(i * 31 + b + salt));
                }
                appender.add(message, 0, length, 12345L + i, i, ~i, i * 7L, k, i % 3 == 0 ? 0 : inEntry);
            }
            appender.commit();
        }
    }

    /** Appends {@code total} frames on a thread of its own, in small steps, while the test restarts things. */
    private static final class Writer implements AutoCloseable
    {
        private final Thread thread;
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile Throwable failure;

        Writer(final Journal journal, final int total)
        {
            thread = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < total && !stop.get(); i += 50)
                    {
                        append(journal, i, 50);
                        if (i % 1_000 == 0)
                        {
                            Thread.onSpinWait();
                            Thread.yield();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
            }, "test-writer");
            thread.start();
        }

        void awaitDone() throws InterruptedException
        {
            thread.join(WAIT.toMillis());
            assertTrue(!thread.isAlive(), "the writer finished");
            if (failure != null)
            {
                throw new AssertionError("writer failed", failure);
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            stop.set(true);
            thread.join(WAIT.toMillis());
        }
    }

    static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
