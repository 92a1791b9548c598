package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.manifest.CompiledManifest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary publish path when the pipeline refuses what the gateway validated: answered, counted, released. */
@Timeout(30)
class EnvelopeIngestorSbeTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();

    @Test
    void shouldAnswerCountAndReleaseWhenThePipelineRefusesAValidatedFrame() throws Exception
    {
        // Slots of 128 bytes, a validator that allows 64 KiB: a valid frame of 20 samples passes the validator and
        // is refused by the pipeline.
        final PipelineConfig config = PipelineConfig.builder().maxFrameBytes(128).ackMode(AckMode.ACCEPTED).build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().dictionary(REGISTRY).config(config)
            .manifest(defaultManifest()).build();
        try
        {
            final GatewayCounters counters = new GatewayCounters();
            final EnvelopeIngestor ingestor = new EnvelopeIngestor(pipeline, REGISTRY, DecoderLimits.DEFAULTS,
                new IdempotencyWindow(1024, 60_000_000_000L), counters, 16, 4,
                new QueueDelayAdmission(new JournalAckWaiter(new io.netty.channel.DefaultEventLoop(), pipeline,
                    1_000_000_000L, counters, false), 100_000_000L, 1_000_000_000L));
            final SbeMessageSplitter splitter = new SbeMessageSplitter(REGISTRY, 16, 1 << 16);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
            final int length = frameOfFloats(frame, 20);
            assertTrue(splitter.split(frame, 0, length, false), splitter::error);

            for (int i = 0; i < 10; i++) // more than the queue's 4 places: a leak would turn these into queue_full
            {
                final IngestReport report = ingestor.ingestSbe(frame, splitter);
                assertEquals(RejectReason.PIPELINE_REFUSED, report.reason(), report.message);
                assertEquals(422, report.status());
                assertEquals(0, report.queuePlaces());
            }
            assertEquals(0, counters.inFlightEnvelopes());
            assertEquals(10, counters.rejections(RejectReason.PIPELINE_REFUSED));
        }
        finally
        {
            pipeline.close();
        }
    }

    /** The gateway's built-in manifest for sim.v1, loaded as the gateway loads it. */
    private static CompiledManifest defaultManifest()
    {
        return GatewayManifestLoader.load(GatewayConfig.defaults(), REGISTRY).compiled();
    }

    private static int frameOfFloats(final UnsafeBuffer out, final int samples)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(out, 0, new MessageHeaderEncoder()).sequence(1).timestampUs(1).sourceId(1)
            .lapNumber(1).sector((short)0);
        encoder.sessionId().mostSigBits(1).leastSigBits(2);
        encoder.producerId().mostSigBits(3).leastSigBits(4);
        encoder.flags().clear();
        final List<ParameterDefinition> floats = REGISTRY.parameters().stream()
            .filter(p -> p.dataType() == io.pitgun.codecs.dictionary.DataType.F32 && p.min() <= 0 && p.max() >= 0 &&
                p.access() == io.pitgun.codecs.dictionary.AccessLevel.PUBLIC)
            .limit(samples).toList();
        final TelemetryFrameEncoder.SamplesEncoder group = encoder.samplesCount(floats.size());
        for (final ParameterDefinition p : floats)
        {
            group.next().value(Double.doubleToRawLongBits(0.0)).parameterId(p.id())
                .valueType(p.dataType().valueType()).quality(SignalQuality.GOOD);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
