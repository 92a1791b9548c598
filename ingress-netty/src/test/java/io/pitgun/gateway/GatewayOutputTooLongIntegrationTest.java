package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.LapsAndSessionManifest;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Insights longer than the subscribers' shared buffer carries (an eighth of {@code SUBSCRIBER_BUFFER_BYTES}). A
 * manifest whose summaries can be is refused at the start, naming the setting; a session summary that its listed
 * laps make too long is sent to no live subscriber, and each is closed saying so.
 */
class GatewayOutputTooLongIntegrationTest
{
    /** Summarised channels: 256 channels of every statistic make a lap summary of about 80 KB. */
    private static final int CHANNELS = 256;
    /** Laps listed in the session summary: about 7 KB of them. */
    static final int LAPS = 40;
    /** The least buffer the setting takes: the gateway raises it to carry its largest frame (4 KB), not a summary. */
    static final String LEAST_BUFFER = "4096";
    /** Summaries of each lap and of the session, short but for the laps the session summary lists; insights only. */
    static final String LAPS_AND_SESSION_MANIFEST = LapsAndSessionManifest.YAML;

    @TempDir
    Path dir;

    /**
     * A subscriber due a summary too long to send is closed 1011, naming the lengths and the setting, and counted
     * {@code output_too_long}. Before, it was closed as too slow (1008 "subscriber too slow: more than N bytes
     * behind", counted and logged {@code slow_subscriber}), though it read everything it was sent.
     */
    @Test
    void shouldCloseASubscriberThatMissedASummaryTooLongForItsBufferAsSuchNotAsSlow() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("laps.yaml"), LAPS_AND_SESSION_MANIFEST);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.SUBSCRIBER_BUFFER_BYTES, LEAST_BUFFER)))
        {
            final WebSocketMessages subscriber = new WebSocketMessages();
            final WebSocket socket = WebSocketMessages.connect(HttpClient.newHttpClient(),
                gateway.wsUri("/ws?subscribe=derived"), subscriber, Duration.ofSeconds(20));
            Await.until("subscribed", () -> gateway.metric("pitgun_gateway_open_subscribers") == 1);

            // Each lap's summary fits; the session summary listing them all, emitted at the session's end, does not,
            // and the manifest outputs insights only, so nothing follows it. A lap at a time, each sent once the
            // summary before it arrived: this connection's own outbound bound is that small buffer too, and a burst of
            // summaries the client had not read yet closed it as slow (seen once in CI).
            for (int lap = 1; lap <= LAPS; lap++)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), lap * 2L, 2, lap)).statusCode());
                final long summaries = lap - 1;
                Await.until("the summary of lap " + summaries, () ->
                    subscriber.texts.stream().filter(text -> text.contains("\"lap_summary\"")).count() >= summaries);
            }
            assertEquals(202, gateway.beacon(Envelopes.sessionEnd(UUID.randomUUID(), 1_712_345_679_000_000L))
                .statusCode());

            final int code = subscriber.closed.get(20, TimeUnit.SECONDS);
            final String reason = subscriber.closeReason.get(20, TimeUnit.SECONDS);
            assertEquals(1011, code, "close code; reason: " + reason);
            assertTrue(reason.matches("output too long: \\d+ bytes, the subscriber buffer carries \\d+ " +
                "\\(raise SUBSCRIBER_BUFFER_BYTES\\)"), reason);
            Await.until("the close counted", () ->
                gateway.metric("pitgun_gateway_ws_closes_total{reason=\"output_too_long\"}") == 1);
            assertEquals(1.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"output_too_long\"}"));
            assertEquals(1.0, gateway.metric("pitgun_outputs_too_long_total"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_ws_closes_total{reason=\"slow_subscriber\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_rejections_total{reason=\"slow_subscriber\"}"));
            assertEquals(0.0, gateway.metric("pitgun_gateway_subscribers_disconnected_slow_total"));
            socket.abort();
        }
    }

    /**
     * A manifest whose lap summary can be longer than the buffer carries (every number at its widest) does not
     * start: the setting, the length and what would carry it are named. Before, the gateway started, and every
     * subscriber was closed at the first lap's end.
     */
    @Test
    void shouldRefuseToStartWithAManifestWhoseSummaryCannotBeSentToSubscribers() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("wide.yaml"), wideSummaryManifest());
        final GatewayConfigException refused = assertThrows(GatewayConfigException.class, () ->
            new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.MANIFEST, manifest.toString(),
                GatewaySetting.SUBSCRIBER_BUFFER_BYTES, LEAST_BUFFER)).close());
        assertTrue(refused.getMessage().matches("(?s).*PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES " +
            "\\(--subscriber-buffer-bytes\\): a summary of PITGUN_GATEWAY_MANIFEST \\(--manifest\\) can be \\d+ " +
            "bytes, longer than the 4096 \\(an eighth of the buffer\\) a subscriber can be sent; set it to \\d+ or " +
            "more.*"), refused.getMessage());

        // With the buffer it names, it starts.
        final String named = refused.getMessage().replaceAll("(?s).*set it to (\\d+) or more.*", "$1");
        new GatewayHarness(dir.resolve("data"), Map.of(GatewaySetting.MANIFEST, manifest.toString(),
            GatewaySetting.SUBSCRIBER_BUFFER_BYTES, named)).close();
    }

    /** {@value #LAPS} laps of two frames each, the first frame's sequence {@code firstSequence}. */
    static void sendLaps(final GatewayHarness gateway, final long firstSequence) throws Exception
    {
        for (int lap = 1; lap <= LAPS; lap++)
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), firstSequence + lap * 2L, 2, lap))
                .statusCode());
        }
    }

    /** {@value #CHANNELS} channels derived from Speed, each summarised per lap by every statistic; insights only. */
    private static String wideSummaryManifest()
    {
        final StringBuilder derived = new StringBuilder();
        final StringBuilder aggregates = new StringBuilder();
        for (int i = 0; i < CHANNELS; i++)
        {
            derived.append("      - name: Speed_").append(i).append("\n        expr: \"Speed + ").append(i)
                .append("\"\n");
            aggregates.append("      - channel: Speed_").append(i).append("\n        stats: [count, first, last, " +
                "min, max, mean, time_weighted_mean, sum, stddev, integral]\n");
        }
        return "version: v1\nname: wide-summary\npipeline:\n  - type: formula\n    derived_channels:\n" + derived +
            "  - type: segment\n    by: lap\n    aggregates:\n" + aggregates +
            "  - type: output\n    contracts: [insight-contract/v1]\n";
    }
}
