package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.engine.LatencyStage;
import io.pitgun.testsupport.Await;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /latency} on the real gateway with a real HTTP client: both formats read back, bad input refused. */
class GatewayLatencyEndpointTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENVELOPES = 20;
    private static final int FRAMES_PER_ENVELOPE = 5;
    private static final int FRAMES = ENVELOPES * FRAMES_PER_ENVELOPE;

    @TempDir
    Path dataDir;

    @Test
    void shouldServeEachStagePercentileDistributionWithEveryJournaledFrameCounted() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            postFrames(gateway);

            // Journaled ack mode: every acknowledged frame has its publish → journaled latency recorded.
            final HttpResponse<String> journaled = gateway.get("/latency?stage=journaled");
            assertEquals(200, journaled.statusCode(), journaled.body());
            assertTrue(journaled.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            final Hgrm distribution = Hgrm.parse(journaled.body());
            assertEquals(FRAMES, distribution.totalCount, journaled.body());
            assertPlausibleMicros(distribution);

            // Processing follows journaling on its own schedule: wait until it has seen every frame.
            Hgrm processed = Hgrm.parse(gateway.get("/latency?stage=processed&format=hgrm").body());
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (processed.totalCount < FRAMES && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
                processed = Hgrm.parse(gateway.get("/latency?stage=processed").body());
            }
            assertEquals(FRAMES, processed.totalCount);
            assertPlausibleMicros(processed);
            assertEquals(processed.totalCount, Hgrm.parse(gateway.get("/latency").body()).totalCount,
                "the default stage is processed");
        }
    }

    @Test
    void shouldServeAnIntervalLogOfBothStagesThatHdrHistogramReads() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            postFrames(gateway);
            // At least one closed one-second interval besides the open one: the tick that closes it is the
            // gateway's, so wait for it to show rather than sleep past it.
            Await.until("a closed interval besides the open one", () ->
                intervalsOf(gateway, LatencyStage.PUBLISH_TO_JOURNALED.logTag()) >= 2);
            postFrames(gateway);
            awaitProcessed(gateway, 2 * FRAMES);

            final HttpResponse<String> log = gateway.get("/latency?format=hlog");
            assertEquals(200, log.statusCode(), log.body());
            final Map<String, Histogram> byTag = new HashMap<>();
            final Map<String, Integer> intervals = new HashMap<>();
            final HistogramLogReader reader =
                new HistogramLogReader(new ByteArrayInputStream(log.body().getBytes(StandardCharsets.UTF_8)));
            for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
            {
                assertTrue(h.getEndTimeStamp() >= h.getStartTimeStamp(), "interval ends before it starts");
                byTag.computeIfAbsent(h.getTag(), t -> new Histogram(3)).add((Histogram)h);
                intervals.merge(h.getTag(), 1, Integer::sum);
            }
            reader.close();
            final String journaled = LatencyStage.PUBLISH_TO_JOURNALED.logTag();
            final String processed = LatencyStage.PUBLISH_TO_PROCESSED.logTag();
            assertEquals(java.util.Set.of(journaled, processed), byTag.keySet(), log.body());
            assertEquals(2 * FRAMES, byTag.get(journaled).getTotalCount(), log.body());
            assertEquals(2 * FRAMES, byTag.get(processed).getTotalCount(), log.body());
            assertTrue(intervals.get(journaled) >= 2, "expected a closed interval and the open one: " + intervals);
            // Values are nanoseconds, HdrHistogram's default unit for logs: a real latency is above 100 ns.
            assertTrue(byTag.get(journaled).getValueAtPercentile(50) > 100, log.body());

            final HttpResponse<String> one = gateway.get("/latency?format=hlog&stage=journaled");
            assertEquals(200, one.statusCode(), one.body());
            assertTrue(one.body().contains("Tag=" + journaled + ","), one.body());
            assertFalse(one.body().contains("Tag=" + processed + ","), one.body());
        }
    }

    @Test
    void shouldRefuseBadParametersWith400NamingThemAndOtherMethodsWith405() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            assertBadParameter(gateway.get("/latency?stage=ingest"), "stage", "journaled, processed");
            assertBadParameter(gateway.get("/latency?format=csv"), "format", "hgrm, hlog");
            assertBadParameter(gateway.get("/latency?stages=journaled"), "stages", "stage=journaled|processed");
            assertBadParameter(gateway.get("/latency?stage=journaled&stage=processed"), "stage", "once");

            final HttpResponse<String> post = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/latency"))
                .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode(), post.body());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            assertEquals(4, gateway.server.counters().rejections(RejectReason.BAD_PARAMETER));
        }
    }

    private static void assertBadParameter(final HttpResponse<String> response, final String parameter,
        final String allowed) throws Exception
    {
        assertEquals(400, response.statusCode(), response.body());
        final JsonNode body = JSON.readTree(response.body());
        assertEquals("bad_parameter", body.get("reason").asText(), response.body());
        final String message = body.get("message").asText();
        assertTrue(message.contains("'" + parameter + "'") || message.startsWith(parameter + " '"), message);
        assertTrue(message.contains(allowed), message);
        assertFalse(response.body().contains("Exception"), response.body());
    }

    private static void assertPlausibleMicros(final Hgrm distribution)
    {
        // Microseconds: above 10 ns and below the 60 s the recorders track.
        assertTrue(distribution.p50 > 0.01 && distribution.p50 <= distribution.max, distribution.toString());
        assertTrue(distribution.max < 60_000_000, distribution.toString());
    }

    private static void postFrames(final GatewayHarness gateway) throws Exception
    {
        for (int i = 0; i < ENVELOPES; i++)
        {
            final HttpResponse<String> response =
                gateway.beacon(Envelopes.batch(UUID.randomUUID(), (long)i * FRAMES_PER_ENVELOPE, FRAMES_PER_ENVELOPE));
            assertEquals(202, response.statusCode(), response.body());
        }
    }

    private static void awaitProcessed(final GatewayHarness gateway, final long frames) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.server.pipeline().latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED).getTotalCount() < frames &&
            System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
    }

    /** The parts of an {@code .hgrm} body the assertions need, parsed from its table. */
    private record Hgrm(long totalCount, double p50, double max)
    {
        static Hgrm parse(final String body)
        {
            long total = -1;
            double p50 = Double.NaN;
            double max = Double.NaN;
            boolean header = false;
            for (final String raw : body.split("\n"))
            {
                final String line = raw.trim();
                if (line.startsWith("Value"))
                {
                    header = true;
                    continue;
                }
                if (!header || line.isEmpty() || line.startsWith("#"))
                {
                    continue;
                }
                final String[] fields = line.split("\\s+");
                final double value = Double.parseDouble(fields[0]);
                if (Double.isNaN(p50) && Double.parseDouble(fields[1]) >= 0.5)
                {
                    p50 = value;
                }
                max = value;
                total = Long.parseLong(fields[2]);
            }
            assertTrue(header, "no 'Value Percentile TotalCount' table in " + body);
            return new Hgrm(total, p50, max);
        }
    }

    /** The intervals of {@code tag} in the gateway's interval log. */
    private static int intervalsOf(final GatewayHarness gateway, final String tag) throws Exception
    {
        int count = 0;
        try (HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(
            gateway.get("/latency?format=hlog").body().getBytes(StandardCharsets.UTF_8))))
        {
            for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
            {
                count += tag.equals(h.getTag()) ? 1 : 0;
            }
        }
        return count;
    }
}
