package io.pitgun.systemtests;

import io.pitgun.cli.PitgunCommand;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.scaleout.AeronDirectories;
import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveEdgeWriter;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16's foundation, as processes: {@code pitgun hive} and {@code pitgun gateway --ship-to}, beacons over HTTP,
 * {@code kill -9} of the gateway and of the hive mid-stream, restarts; in the end the hive's journal for the edge
 * holds exactly the frames the gateway journaled, in order, byte for byte, and its live derived output is the
 * replay's.
 */
class ShippingCrashTest
{
    private static final int ROUNDS = 4;
    private static final int BEACONS_PER_ROUND = 40;
    private static final int FRAMES_PER_BEACON = 10;

    @TempDir
    Path dir;

    @Test
    void shouldHoldEveryJournaledFrameOnceAfterKillsOfGatewayAndHive() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final Path gatewayData = dir.resolve("gateway");
        final Path hiveData = dir.resolve("hive");
        HiveProcess hive = HiveProcess.start(hiveData, channel);
        GatewayProcess gateway = GatewayProcess.start(gatewayData, "--ship-to", channel);
        final UUID session = UUID.randomUUID();
        long sequence = 0;
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                for (int i = 0; i < BEACONS_PER_ROUND; i++, sequence += FRAMES_PER_BEACON)
                {
                    assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                        session, sequence, FRAMES_PER_BEACON, 1, s -> 1_000_000L + s * 1_000)).statusCode(),
                        gateway.logs());
                }
                // Killed right after the burst: batches in flight, acknowledgements unread.
                if (round == 1)
                {
                    hive.kill9();
                    hive = HiveProcess.start(hiveData, channel);
                }
                gateway.kill9();
                gateway = GatewayProcess.start(gatewayData, "--ship-to", channel);
            }
            final Path gatewayJournal = gatewayData.resolve("journal");
            final Path hiveJournal = HiveConfig.of(channel, hiveData)
                .edgeJournal(EdgeId.loadOrCreate(gatewayData).toString());
            final long last = lastIndex(gatewayJournal);
            final HiveProcess running = hive;
            Await.until("the hive holds the gateway's journal up to " + last, Duration.ofSeconds(60), () ->
                Files.isDirectory(hiveJournal) && heldIndex(hiveJournal) == last);
            final List<String> journaled = frames(gatewayJournal, false);
            assertEquals(ROUNDS * BEACONS_PER_ROUND * FRAMES_PER_BEACON, journaled.size());
            assertEquals(journaled, frames(hiveJournal, true), running.logs());
            // Derived output: replaying the hive's journal (with the edge positions it keeps) equals replaying the
            // gateway's through the gateway's manifest, byte for byte.
            final Path manifest = Path.of("..", "ingress-netty", "src", "main", "resources", "gateway",
                "default-manifest.yaml");
            final Path fromGateway = dir.resolve("gateway-replay.jsonl");
            final Path fromHive = dir.resolve("hive-replay.jsonl");
            assertEquals(0, PitgunCommand.newCommandLine().execute("journal", "replay", "--manifest",
                manifest.toString(), "--out", fromGateway.toString(), gatewayJournal.toString()));
            assertEquals(0, PitgunCommand.newCommandLine().execute("journal", "replay", "--edge-positions",
                "--manifest", manifest.toString(), "--out", fromHive.toString(), hiveJournal.toString()));
            assertTrue(Files.size(fromGateway) > 0, "derived output");
            assertEquals(-1, Files.mismatch(fromGateway, fromHive), "derived output of the hive's journal");
            // The hive's live derived output (by default the gateway's built-in manifest), derived again from its
            // journal after the kill -9 and complete once the hive stops (SIGTERM): the same bytes.
            running.close();
            final Path derived = HiveConfig.of(channel, hiveData)
                .edgeDerivedFile(EdgeId.loadOrCreate(gatewayData).toString());
            assertEquals(-1, Files.mismatch(fromGateway, derived), "the hive's live derived output\n" +
                running.logs());
        }
        finally
        {
            gateway.close();
            hive.close();
            // The gateway's media driver lives under /dev/shm by default; a killed one leaves its files there.
            deleteRecursively(AeronDirectories.forRole(gatewayData, "edge"));
        }
    }

    private static long lastIndex(final Path journalDirectory)
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
        {
            return journal.lastIndex();
        }
    }

    private static long heldIndex(final Path journalDirectory)
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
        {
            return journal.lastIndex() == Journal.NO_INDEX ? Journal.NO_INDEX : HiveEdgeWriter.readHeldIndex(journal);
        }
    }

    /** Each message: its edge position (at the hive: the record's ingest-time field), identity and bytes. */
    private static List<String> frames(final Path journalDirectory, final boolean atHive)
    {
        final List<String> frames = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory));
             JournalTailer tailer = journal.tailer())
        {
            final JournalStampedEntryHandler handler = new JournalStampedEntryHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
                    final long ingestTimeNs, final JournalEventStamp stamp)
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    frames.add((atHive ? ingestTimeNs : index) + " " + stamp.eventId() + "/" + stamp.frameOrdinal() +
                        "/" + stamp.frameCount() + "/" + stamp.contentDigest() + " " + Arrays.toString(bytes));
                }
            };
            while (tailer.readNext(handler))
            {
                // read on
            }
        }
        return frames;
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        if (Files.exists(directory))
        {
            try (Stream<Path> paths = Files.walk(directory))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
