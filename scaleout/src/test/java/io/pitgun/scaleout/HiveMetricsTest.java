package io.pitgun.scaleout;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.Promtool;
import io.pitgun.testsupport.SmallTmpfs;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hive's {@code /metrics} over HTTP, and shipping on a stream id of the operator's choice. */
class HiveMetricsTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private String channel;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            channel = "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
    }

    @Test
    void shouldServeEachEdgesCountersAsPrometheusText() throws Exception
    {
        final Journal edgeJournal = open(Journal.open(JournalConfig.of(dir.resolve("edge/journal"))));
        append(edgeJournal, 1_500, 100);
        final Hive hive = open(Hive.start(HiveConfig.of(channel, dir.resolve("hive"))
            .withAeronDirectory(dir.resolve("aeron-hive"))));
        final HiveMetricsServer server = open(HiveMetricsServer.start(hive, new InetSocketAddress("127.0.0.1", 0)));
        final EdgeShipper shipper = open(EdgeShipper.start(edgeJournal, dir.resolve("edge"),
            ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L).withAeronDirectory(dir.resolve("aeron-edge"))));
        final String edge = "{edge=\"" + shipper.edgeId() + "\"}";
        final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + HiveMetricsServer.PATH);

        Await.until("the hive's /metrics shows the edge's 1,500 frames held", WAIT,
            () -> value(get(uri).body(), "pitgun_hive_events_written_total" + edge) == 1_500);
        final HttpResponse<String> response = get(uri);
        final String body = response.body();
        assertEquals(200, response.statusCode());
        assertEquals(HiveMetrics.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(1, value(body, "pitgun_hive_edges"));
        assertEquals(Long.toString(edgeJournal.lastIndex()), text(body, "pitgun_hive_edge_held_position" + edge),
            "a journal position, written exactly (past 2^53 a double would round it)");
        assertEquals(0, value(body, "pitgun_hive_duplicates_dropped_total" + edge));
        assertEquals(0, value(body, "pitgun_hive_malformed_batches_total" + edge));
        final double batches = value(body, "pitgun_hive_edge_batches_received_total" + edge);
        assertTrue(batches >= 3, "1,500 frames in batches of at most 1,000, and a hello: " + batches);
        assertEquals(batches, value(body, "pitgun_hive_batches_received_total"));
        assertTrue(value(body, "pitgun_hive_bytes_received_total" + edge) > 1_500 * 100, body);
        final double lastSeen = value(body, "pitgun_hive_edge_last_seen_timestamp_seconds" + edge);
        assertTrue(Math.abs(lastSeen - System.currentTimeMillis() / 1000.0) < 60, "last seen is now: " + lastSeen);
        assertTrue(Pattern.compile("(?m)^pitgun_hive_archive_recording_position_bytes\\{recording_id=\"\\d+\"} " +
            "[1-9]\\d*$").matcher(body).find(), "the archive's recording is reported: " + body);

        // The start's phases, as the log line gives them, and no wait of the start ran out.
        assertTrue(Pattern.compile("(?m)^pitgun_hive_start_phase_seconds\\{phase=\"media_driver_and_archive\"} " +
            "\\d+\\.\\d{6}$").matcher(body).find(), body);
        assertEquals(0, value(body, "pitgun_hive_start_timeouts_total"));

        assertEquals(404, get(uri.resolve("/other")).statusCode());
        Promtool.assertMetricsPass(body);
    }

    /**
     * A hive whose disk is short of space writes and acknowledges no batch until space returns. Before, its /metrics
     * counted that only as gaps (the batches after the first refused one follow a predecessor it does not hold), as
     * if packets were lost, and the first refused batch of every round nowhere.
     */
    @Test
    void shouldCountTheBatchesADiskShortOfSpaceKeptOut() throws Exception
    {
        final SmallTmpfs disk = open(SmallTmpfs.mount(dir.resolve("small"), 200));
        final Journal edgeJournal = open(Journal.open(JournalConfig.of(dir.resolve("edge/journal"))));
        append(edgeJournal, 10, 100);
        // Without the Archive's record, which refuses to start on a file system this small.
        final Hive hive = open(Hive.start(HiveConfig.of(channel, disk.path().resolve("hive")).withRecording(false)
            .withAeronDirectory(dir.resolve("aeron-hive"))));
        final EdgeShipper shipper = open(EdgeShipper.start(edgeJournal, dir.resolve("edge"),
            ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L).withAeronDirectory(dir.resolve("aeron-edge"))));
        final String edge = "{edge=\"" + shipper.edgeId() + "\"}";
        Await.until("the hive holds the first 10 frames", WAIT,
            () -> value(HiveMetrics.render(hive), "pitgun_hive_events_written_total" + edge) == 10);

        final Path filler = disk.path().resolve("filler");
        disk.fillLeaving(filler, JournalSpaceGuard.DEFAULT_MIN_FREE_BYTES / 2);
        append(edgeJournal, 10, 100);
        Await.until("a batch kept out for lack of space is counted", WAIT,
            () -> value(HiveMetrics.render(hive), "pitgun_hive_batches_short_of_space_total" + edge) >= 1);
        assertEquals(10, value(HiveMetrics.render(hive), "pitgun_hive_events_written_total" + edge));

        Files.delete(filler);
        Await.until("the hive holds all 20 frames once space returns", WAIT,
            () -> value(HiveMetrics.render(hive), "pitgun_hive_events_written_total" + edge) == 20);
        Promtool.assertMetricsPass(HiveMetrics.render(hive));
    }

    @Test
    void shouldShipOnlyToAHiveListeningOnTheEdgesStreamId() throws Exception
    {
        final int streamId = ShipperConfig.DEFAULT_STREAM_ID + 100;
        final Journal controlJournal = open(Journal.open(JournalConfig.of(dir.resolve("control/journal"))));
        final Journal edgeJournal = open(Journal.open(JournalConfig.of(dir.resolve("edge/journal"))));
        append(controlJournal, 200, 64);
        append(edgeJournal, 300, 64);
        final Path hiveData = dir.resolve("hive");
        final ShipperConfig config = ShipperConfig.to(channel).withFlushIntervalNs(5_000_000L);

        // A hive on the default stream id: an edge on the default (the control) reaches it, the other does not.
        final Hive defaultHive = Hive.start(HiveConfig.of(channel, hiveData).withAeronDirectory(dir.resolve("a-1")));
        final EdgeShipper control = open(EdgeShipper.start(controlJournal, dir.resolve("control"),
            config.withAeronDirectory(dir.resolve("a-control"))));
        final EdgeShipper shipper = open(EdgeShipper.start(edgeJournal, dir.resolve("edge"),
            config.withStreamIds(streamId, ShipperConfig.DEFAULT_REPLY_STREAM_ID + 100)
                .withIdleStrategy(AeronIdleStrategy.SLEEPING).withAeronDirectory(dir.resolve("a-edge"))));
        Await.until("the control edge's frames are held", WAIT, () -> defaultHive.edges().size() == 1 &&
            defaultHive.edges().get(0).heldIndex() == controlJournal.lastIndex());
        assertEquals(List.of(control.edgeId()), edgeIds(defaultHive), "only the edge on the hive's stream id");
        assertEquals(ShipperCounters.NOT_CONNECTED, shipper.counters().connectionState());
        defaultHive.close();

        // The same channel, a hive on the edge's stream id: it gets the edge's frames.
        final Hive hive = open(Hive.start(HiveConfig.of(channel, hiveData).withStreamId(streamId)
            .withAeronDirectory(dir.resolve("a-2"))));
        Await.until("the edge's frames are held by the hive on stream " + streamId, WAIT,
            () -> hive.edges().size() == 1 && hive.edges().get(0).heldIndex() == edgeJournal.lastIndex());
        assertEquals(List.of(shipper.edgeId()), edgeIds(hive));
        assertEquals(300, hive.edges().get(0).framesWritten());
    }

    private <T extends AutoCloseable> T open(final T resource)
    {
        open.add(resource);
        return resource;
    }

    private static List<UUID> edgeIds(final Hive hive)
    {
        return hive.edges().stream().map(HiveEdgeWriter::edgeId).toList();
    }

    private static HttpResponse<String> get(final URI uri) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code series} (name and labels as rendered), or NaN when absent. */
    static double value(final String body, final String series)
    {
        final String text = text(body, series);
        return text == null ? Double.NaN : Double.parseDouble(text);
    }

    /** The value of the sample {@code series} as written, or null when absent. */
    static String text(final String body, final String series)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /** Appends {@code count} frames of {@code length} bytes, one entry each. */
    private static void append(final Journal journal, final int count, final int length)
    {
        final JournalAppender appender = journal.appender();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[length]);
        for (int i = 0; i < count; i++)
        {
            message.putInt(0, i);
            appender.begin();
            appender.add(message, 0, length, 1L + i, i, ~i, i * 7L, 0, 0);
            appender.commit();
        }
    }
}
