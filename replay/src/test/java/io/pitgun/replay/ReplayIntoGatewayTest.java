package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * End to end: a slice of the shipped sample replayed into a real gateway on a free loopback port, over HTTP and over
 * the WebSocket; afterwards the gateway's journal holds every row exactly once, in order, between the session
 * markers.
 */
class ReplayIntoGatewayTest
{
    private static final Path SAMPLE = Path.of("..", "datasets", "sim-session-monza.csv");
    private static final int ROWS = 1_500;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(120)
    void shouldJournalEveryReplayedRow(final boolean webSocket) throws Exception
    {
        final Path slice = dir.resolve("slice.csv");
        try (BufferedReader in = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(slice, StandardCharsets.UTF_8))
        {
            for (int i = 0; i <= ROWS; i++)
            {
                out.write(in.readLine());
                out.write('\n');
            }
        }
        final Path dataDir = dir.resolve("data");
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
        final UUID sessionId = UUID.randomUUID();
        final ReplayStats stats;
        final ByteArrayOutputStream notes = new ByteArrayOutputStream();
        try
        {
            final ReplayOptions options = new ReplayOptions(
                new ReplayTarget("127.0.0.1", server.address().getPort()), slice, 50_000, false, webSocket, 25,
                false, false, true, ReplayOptions.DEFAULT_MAX_RETRIES, sessionId, null, ParameterRegistry.simV1());
            stats = new ReplayRunner(options, new PrintStream(notes, true, StandardCharsets.UTF_8), ReplayProgress.NONE)
                .run();
        }
        finally
        {
            server.shutdown();
        }

        assertEquals(ROWS, stats.framesSent());
        assertEquals(ROWS, stats.framesAcked(), () -> stats.summary("gateway") + notes);
        assertEquals(0, stats.envelopesRejected(), () -> stats.summary("gateway"));
        assertEquals(2, stats.markersAcked());
        // The two restricted channels of the sample are named once and not sent.
        assertEquals("pitgun replay: restricted channel(s) not sent (add --include-restricted if the gateway allows " +
            "this client): Fuel_Flow_Sensor_Count, Engine_Map" + System.lineSeparator(),
            notes.toString(StandardCharsets.UTF_8));

        final Journaled journaled = read(dataDir.resolve("journal"), sessionId);
        final List<Long> expected = new ArrayList<>();
        for (long i = 0; i < ROWS; i++)
        {
            expected.add(i);
        }
        assertEquals(expected, journaled.sequences);
        assertEquals(1_775_908_800_000_000L, journaled.firstTimestampUs);
        assertEquals(71 * ROWS, journaled.samples);
        assertEquals(List.of("start", "end"), journaled.markers);
    }

    private static final class Journaled
    {
        final List<Long> sequences = new ArrayList<>();
        final List<String> markers = new ArrayList<>();
        long firstTimestampUs = -1;
        long samples;
    }

    private static Journaled read(final Path journalDir, final UUID sessionId)
    {
        final Journaled result = new Journaled();
        final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
        JournaledFrames.forEachMessage(journalDir, (header, buffer, bodyOffset) ->
        {
            if (header.templateId() == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                frame.wrap(buffer, bodyOffset, header.blockLength(), header.version());
                if (frame.sessionId().mostSigBits() == sessionId.getMostSignificantBits() &&
                    frame.sessionId().leastSigBits() == sessionId.getLeastSignificantBits())
                {
                    if (result.firstTimestampUs < 0)
                    {
                        result.firstTimestampUs = frame.timestampUs();
                    }
                    result.sequences.add(frame.sequence());
                    result.samples += frame.samples().count();
                }
            }
            else if (header.templateId() == SessionStartDecoder.TEMPLATE_ID)
            {
                result.markers.add("start");
            }
            else if (header.templateId() == SessionEndDecoder.TEMPLATE_ID)
            {
                result.markers.add("end");
            }
        });
        return result;
    }
}
