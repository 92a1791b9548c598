package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.testsupport.EnvelopeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON ingest path when publishing throws (a pipeline closed under the event loop stands for any bug there):
 * the request is answered 500 {@code internal_error}, its envelopes are counted by outcome, and its queue places come
 * back. Before, the exception left {@code ingest} with the places taken (the fifth such request found the queue of
 * four full, for good) and the envelopes counted received but under no outcome.
 */
@Timeout(30)
class EnvelopeIngestorFailureTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();
    private static final int QUEUE = 4;

    @Test
    void shouldAnswerCountAndReleaseWhenPublishingThrows() throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().dictionary(REGISTRY)
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build())
            .manifest(GatewayManifestLoader.load(GatewayConfig.defaults(), REGISTRY).compiled()).build();
        final GatewayCounters counters = new GatewayCounters();
        final EnvelopeIngestor ingestor = new EnvelopeIngestor(pipeline, REGISTRY, DecoderLimits.DEFAULTS,
            new IdempotencyWindow(1024, 60_000_000_000L), counters, 16, QUEUE,
            new QueueDelayAdmission(new JournalAckWaiter(new io.netty.channel.DefaultEventLoop(), pipeline,
                1_000_000_000L, counters, false), 100_000_000L, 1_000_000_000L));
        pipeline.close();

        final int requests = 3 * QUEUE; // more than the queue's places: a leak would turn the later ones queue_full
        for (int r = 0; r < requests; r++)
        {
            final byte[] body = (envelope(2 * r) + "\n" + envelope(2 * r + 1)).getBytes(StandardCharsets.UTF_8);
            final BeaconBodySplitter splitter = new BeaconBodySplitter(16);
            assertTrue(IngestPath.findEnvelopes(ingestor, splitter, body, 0, body.length, false, false));
            final IngestReport report = ingestor.ingest(body, splitter, false);
            assertEquals(500, report.status(), report.message);
            assertEquals(RejectReason.INTERNAL_ERROR, report.reason(), report.message);
            assertEquals(0, report.queuePlaces(), "nothing is in: nothing to wait for");
        }
        assertEquals(0, counters.inFlightEnvelopes());
        assertEquals(requests, counters.rejections(RejectReason.INTERNAL_ERROR));
        final long received = counters.envelopesReceived.sum();
        assertEquals(2L * requests, received);
        assertEquals(received, counters.envelopesAccepted.sum() + counters.envelopesDuplicate.sum() +
            counters.envelopesPartial.sum() + counters.envelopesRefused.sum() + counters.envelopesNotAccepted.sum(),
            "every envelope received is counted under one outcome");
    }

    private static String envelope(final int sequence)
    {
        return EnvelopeJson.head(UUID.randomUUID(), "2026-04-11T12:00:00Z", UUID.randomUUID(),
            "telemetry.sample_batch") + "\"payload\":{\"frames\":[{\"sequence\":" + sequence + ",\"timestamp_us\":" +
            (1775908800000000L + sequence) + ",\"samples\":{\"Speed\":100.5}}]}}";
    }
}
