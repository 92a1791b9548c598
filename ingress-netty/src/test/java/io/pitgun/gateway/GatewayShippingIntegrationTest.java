package io.pitgun.gateway;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.scaleout.AeronDirectories;
import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.EdgeShipper;
import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.ShipperConfig;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code SHIP_TO}: a gateway ships what it journals to a hive; without it, nothing of Aeron starts. */
class GatewayShippingIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShipEveryJournaledFrameToTheHive() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final Path gatewayData = dir.resolve("gateway");
        final Path hiveData = dir.resolve("hive");
        final UUID edgeId;
        try (Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-hive"))))
        {
            try (GatewayHarness gateway = new GatewayHarness(gatewayData, Map.of(GatewaySetting.SHIP_TO, channel)))
            {
                final UUID session = UUID.randomUUID();
                for (int i = 0; i < 20; i++)
                {
                    assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                        session, i * 10L, 10, 1, sequence -> 1_000_000L + sequence * 1_000)).statusCode());
                }
                edgeId = EdgeId.loadOrCreate(gatewayData);
                final Journal journal = gateway.server.pipeline().journal().orElseThrow();
                Await.until("the hive holds the gateway's journal", () ->
                    !hive.edges().isEmpty() && hive.edges().get(0).heldIndex() == journal.lastIndex() &&
                        journal.lastIndex() != Journal.NO_INDEX);
                Await.until("the shipper's lag drains", () -> gateway.metric("pitgun_ship_lag_frames") == 0);
                // The journal is shipped message for message: 200 frames and the ManifestLoaded entry before them.
                assertEquals(200 + 1, gateway.metric("pitgun_events_shipped_total"));
                assertEquals(0, gateway.metric("pitgun_events_dropped_total"));
                assertEquals(2, gateway.metric("pitgun_ship_connection_state"));
                assertEquals(1, gateway.metric("pitgun_ship_edge_info{edge=\"" + edgeId + "\"}"),
                    "the edge id, to join with the hive's series");
            }
        }
        // The stop appended PipelineDrained after the frames while the shipper was closing with the pipeline: the
        // hive may not have it yet, so it is left out of the comparison.
        final List<String> atGateway = frames(gatewayData.resolve("journal"), false);
        assertEquals(200 + 2, atGateway.size(), "the ManifestLoaded entry, 200 frames and the PipelineDrained entry");
        final List<String> atHive = frames(HiveConfig.of(channel, hiveData).edgeJournal(edgeId.toString()), true);
        assertEquals(atGateway.subList(0, 201), atHive.subList(0, Math.min(201, atHive.size())));
    }

    @Test
    void shouldShipOnlyToAHiveOnItsStreamIdFromItsAeronDirectory() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final int streamId = ShipperConfig.DEFAULT_STREAM_ID + 100;
        final Path gatewayData = dir.resolve("gateway");
        final Path aeronDirectory = dir.resolve("aeron-edge");
        final Path hiveData = dir.resolve("hive");
        final Path controlData = dir.resolve("control");
        try (Journal control = Journal.open(JournalConfig.of(controlData.resolve("journal")));
            GatewayHarness gateway = new GatewayHarness(gatewayData, Map.of(GatewaySetting.SHIP_TO, channel,
                GatewaySetting.SHIP_STREAM_ID, Integer.toString(streamId),
                GatewaySetting.SHIP_REPLY_STREAM_ID, Integer.toString(ShipperConfig.DEFAULT_REPLY_STREAM_ID + 100),
                GatewaySetting.SHIP_AERON_DIR, aeronDirectory.toString(),
                GatewaySetting.SHIP_IDLE_STRATEGY, "sleeping")))
        {
            assertTrue(Files.isDirectory(aeronDirectory), "the shipper's media driver runs in SHIP_AERON_DIR");
            assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                UUID.randomUUID(), 0, 10, 1, sequence -> 1_000_000L + sequence * 1_000)).statusCode());
            final Journal journal = gateway.server.pipeline().journal().orElseThrow();
            final UUID edgeId = EdgeId.loadOrCreate(gatewayData);
            final byte[] frame = {1, 2, 3, 4, 5, 6, 7, 8};
            final io.pitgun.journal.JournalAppender appender = control.appender();
            appender.begin();
            appender.add(new org.agrona.concurrent.UnsafeBuffer(frame), 0, frame.length, 1L, 1, 2, 3, 0, 0);
            appender.commit();

            // A hive on the default stream id hears the control edge (on the default too), not the gateway.
            try (Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("aeron-1")));
                EdgeShipper controlShipper = EdgeShipper.start(control, controlData,
                    ShipperConfig.to(channel).withFlushIntervalNs(1_000_000L)
                        .withAeronDirectory(dir.resolve("aeron-control"))))
            {
                Await.until("the control edge's frame is held", () -> hive.edges().size() == 1 &&
                    hive.edges().get(0).heldIndex() == control.lastIndex());
                assertEquals(controlShipper.edgeId(), hive.edges().get(0).edgeId(), "only the control edge");
                assertEquals(0, gateway.metric("pitgun_ship_connection_state"), "the gateway is not connected");
            }
            // A hive on the gateway's stream id, on the same channel, gets the gateway's frames.
            try (Hive hive = Hive.start(HiveConfig.of(channel, hiveData).withStreamId(streamId)
                .withAeronDirectory(dir.resolve("aeron-2"))))
            {
                Await.until("the hive on stream " + streamId + " holds the gateway's journal", () ->
                    hive.edges().size() == 1 && hive.edges().get(0).heldIndex() == journal.lastIndex());
                assertEquals(edgeId, hive.edges().get(0).edgeId());
                assertEquals(10 + 1, hive.edges().get(0).framesWritten(), "10 frames and the ManifestLoaded entry");
            }
        }
    }

    @Test
    void shouldStartNothingOfAeronWithoutShipTo() throws Exception
    {
        final Path gatewayData = dir.resolve("gateway");
        try (GatewayHarness gateway = new GatewayHarness(gatewayData, Map.of()))
        {
            assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                UUID.randomUUID(), 0, 3, 1, sequence -> 1_000_000L + sequence)).statusCode());
            assertFalse(gateway.get("/metrics").body().contains("pitgun_events_shipped_total"), "shipping counters");
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                final String name = thread.getName();
                assertFalse(name.contains("shipper") || name.contains("aeron") || name.contains("conductor") ||
                    name.contains("sender") || name.contains("receiver"), "thread " + name);
            }
        }
        assertFalse(Files.exists(gatewayData.resolve(EdgeId.FILE_NAME)), "an edge id file");
        assertFalse(Files.exists(AeronDirectories.forRole(gatewayData, "edge")), "an Aeron directory");
        assertFalse(Files.exists(gatewayData.resolve("aeron")), "an Aeron directory");
    }

    /** Each message of a journal: edge position (at the hive: the ingest-time field), identity and bytes. */
    private static List<String> frames(final Path journalDirectory, final boolean atHive)
    {
        final List<String> frames = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory));
            JournalTailer tailer = journal.tailer())
        {
            final JournalStampedEntryHandler handler = new JournalStampedEntryHandler()
            {
                @Override
                public void onEntry(final long index, final org.agrona.DirectBuffer buffer, final int offset,
                    final int length, final long ingestTimeNs, final io.pitgun.journal.JournalEventStamp stamp)
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
        assertTrue(!frames.isEmpty() || !atHive, "the hive's journal is empty");
        return frames;
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
