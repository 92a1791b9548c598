package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code JOURNAL_ON_LOOP=1} over real HTTP: the event loop journals what it publishes, so a request's frames are
 * journaled when it is answered even with every pipeline thread held; and while the held stages leave less than half
 * the ring free, journaled answers wait for room instead of letting the client run on until the ring refuses it
 * (counted in {@code pitgun_gateway_ack_room_waits_total}), and go out once the stages move.
 */
class GatewayJournalOnLoopIntegrationTest
{
    private static final int RING = 64;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldJournalOnTheLoopAndHoldAnswersWhileTheStagesAreHalfARingBehind() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.JOURNAL_ON_LOOP, "1",
            GatewaySetting.CHANNEL_CAPACITY, Integer.toString(RING), GatewaySetting.RATE_LIMIT, "0"), held))
        {
            // Held stages process nothing; the loop journals anyway, and a quarter of the ring leaves room.
            final HttpResponse<String> first = gateway.beacon(Envelopes.batch(UUID.randomUUID(), 0, RING / 4));
            assertEquals(202, first.statusCode(), first.body());
            assertEquals(RING / 4, gateway.metric("pitgun_frames_journaled_total"),
                "journaled with every pipeline thread held: by the event loop, before it answered");

            // Another half ring: journaled at once, but now more than half the ring waits for the stages.
            final CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() ->
                post(gateway, Envelopes.batch(UUID.randomUUID(), RING / 4, RING / 2)));
            Await.until("the second answer waits for room in the ring", () ->
                gateway.metric("pitgun_gateway_ack_room_waits_total") >= 1);
            assertEquals(RING / 4 + RING / 2, gateway.metric("pitgun_frames_journaled_total"));
            assertFalse(second.isDone(), "held for room, not answered");

            held.release();
            final HttpResponse<String> answered = second.get(30, TimeUnit.SECONDS);
            assertEquals(202, answered.statusCode(), answered.body());
            assertEquals(0, gateway.metric("pitgun_gateway_rejections_total{reason=\"ring_full\"}"));
        }
        final List<Long> journaled = GatewayHarness.journaledSequences(dataDir);
        assertEquals(RING / 4 + RING / 2, new HashSet<>(journaled).size(), "every acknowledged frame, once");
    }

    private static HttpResponse<String> post(final GatewayHarness gateway, final String body)
    {
        try
        {
            return gateway.beacon(body);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
