package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.manifest.CompiledManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body decoded whole first ({@link IngestPath#findEnvelopes} with one envelope likely, which skips the split's pass
 * when the body is one envelope) gets exactly the answer it got when it was split first and then decoded, and the
 * same refusals are counted: for valid envelopes, duplicates and conflicts, NDJSON and arrays sent as
 * one-envelope-likely, restricted channels with and without the right to send them, and thousands of broken bodies
 * (cut, bytes changed, brackets added), each read at an offset inside a larger array as the event loop's buffer
 * holds it. The reference is the split-then-ingest path, run on a second ingestor and pipeline fed the same bodies.
 */
@Timeout(120)
class EnvelopeIngestorWholeBodyTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();
    private static final byte[] NOISE = "{}[]\",:\\ \n0a-.eE}}{{\"\"".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldAnswerEveryBodyAsTheSplitThenDecodePathDoes() throws Exception
    {
        final Random random = new Random(20261204L);
        final List<String> bodies = corpus(random);
        try (Side wholeFirst = new Side(); Side splitFirst = new Side())
        {
            int acceptedWhole = 0;
            int refusedWhole = 0;
            for (int i = 0; i < bodies.size(); i++)
            {
                final byte[] text = bodies.get(i).getBytes(StandardCharsets.UTF_8);
                final int offset = random.nextInt(64);
                final byte[] body = new byte[offset + text.length + random.nextInt(64)];
                java.util.Arrays.fill(body, (byte)'}'); // around the body: bytes that would change any answer
                System.arraycopy(text, 0, body, offset, text.length);
                final boolean allowRestricted = random.nextBoolean();
                final String expected = splitFirst.answer(body, offset, text.length, false, allowRestricted);
                final String actual = wholeFirst.answer(body, offset, text.length, true, allowRestricted);
                assertEquals(expected, actual, "body " + i + " (restricted allowed: " + allowRestricted + "): " +
                    bodies.get(i));
                acceptedWhole += wholeFirst.decodedWhole && actual.startsWith("202") ? 1 : 0;
                refusedWhole += wholeFirst.decodedWhole && !actual.startsWith("202") ? 1 : 0;
            }
            // The corpus exercises the new path, both its outcomes, not only its fall-back to the split.
            assertTrue(acceptedWhole > 100, "bodies decoded whole and accepted: " + acceptedWhole);
            assertTrue(refusedWhole > 100, "bodies decoded whole, refused, their error taken: " + refusedWhole);
            assertEquals(splitFirst.refusals(), wholeFirst.refusals());
        }
    }

    @Test
    void shouldDecodeAgainWhenTheIngestIsToldADifferentRightToRestrictedChannels() throws Exception
    {
        // Engine_Map is restricted: decoded whole with the right to send it, then ingested without that right (a
        // caller that passed the wrong flag), the envelope must still be refused.
        final byte[] body = Envelopes.batch(UUID.randomUUID(), 1, 1).replace("\"Torque_Nm\":300.25", "\"Engine_Map\":3")
            .getBytes(StandardCharsets.UTF_8);
        try (Side side = new Side())
        {
            assertTrue(IngestPath.findEnvelopes(side.ingestor, side.splitter, body, 0, body.length, true, true));
            final IngestReport report = side.ingestor.ingest(body, side.splitter, false);
            side.ingestor.release(report.queuePlaces());
            assertEquals(RejectReason.RESTRICTED_CHANNEL, report.reason(), report.message);
            // With the right, the same body is accepted: what is refused above is the channel, nothing else.
            assertTrue(IngestPath.findEnvelopes(side.ingestor, side.splitter, body, 0, body.length, true, true));
            final IngestReport allowed = side.ingestor.ingest(body, side.splitter, true);
            side.ingestor.release(allowed.queuePlaces());
            assertEquals(202, allowed.status(), allowed.message);
        }
    }

    /** Valid bodies of every shape, then broken variants of them. */
    private static List<String> corpus(final Random random)
    {
        final List<String> valid = new ArrayList<>();
        long sequence = 1;
        for (int i = 0; i < 60; i++)
        {
            final String one = Envelopes.batch(UUID.randomUUID(), sequence, 1 + random.nextInt(5));
            sequence += 10;
            valid.add(one);
            valid.add(" \n\t" + one + "\r\n ");
            valid.add(one); // a retry: a duplicate, acknowledged again
        }
        final UUID conflicting = UUID.randomUUID();
        valid.add(Envelopes.batch(conflicting, 5000, 2));
        valid.add(Envelopes.batch(conflicting, 6000, 2)); // same event_id, other content: 409
        for (int i = 0; i < 20; i++)
        {
            final String a = Envelopes.batch(UUID.randomUUID(), sequence, 2);
            final String b = Envelopes.batch(UUID.randomUUID(), sequence + 2, 2);
            sequence += 10;
            valid.add(a + "\n" + b); // NDJSON sent as application/json: decoded whole it fails, then is split
            valid.add("[" + a + ",\n" + b + "]");
            valid.add(a + b);
        }
        for (int i = 0; i < 10; i++)
        {
            // Engine_Map is a restricted channel of sim.v1: accepted only with the right to send it.
            valid.add(Envelopes.batch(UUID.randomUUID(), sequence, 1).replace("\"Torque_Nm\":300.25", "\"Engine_Map\":3"));
            sequence += 10;
        }
        valid.add("{}");
        valid.add("{ }");
        valid.add("   ");
        valid.add("");
        final List<String> bodies = new ArrayList<>(valid);
        for (int i = 0; i < 3000; i++)
        {
            final String base = valid.get(random.nextInt(valid.size()));
            bodies.add(broken(base, random));
        }
        return bodies;
    }

    private static String broken(final String base, final Random random)
    {
        final byte[] b = base.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0)
        {
            return "}";
        }
        switch (random.nextInt(4))
        {
            case 0: // cut, keeping the closing brace so that the body still looks like one object
                return new String(b, 0, random.nextInt(b.length), StandardCharsets.UTF_8) + "}";
            case 1:
            {
                final int changes = 1 + random.nextInt(3);
                for (int c = 0; c < changes; c++)
                {
                    b[random.nextInt(b.length)] = NOISE[random.nextInt(NOISE.length)];
                }
                return new String(b, StandardCharsets.UTF_8);
            }
            case 2:
                return base + "}";
            default:
                return base + " {}";
        }
    }

    /** One ingestor over its own pipeline: a body in, the answer out (the split's refusal, or the report). */
    private static final class Side implements AutoCloseable
    {
        final TelemetryPipeline pipeline;
        final EnvelopeIngestor ingestor;
        final BeaconBodySplitter splitter = new BeaconBodySplitter(16);
        final GatewayCounters counters = new GatewayCounters();
        /** Whether the last body was decoded whole first and that decode was taken (accepted or refused). */
        boolean decodedWhole;

        Side() throws Exception
        {
            pipeline = TelemetryPipeline.builder().dictionary(REGISTRY)
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build()).manifest(defaultManifest())
                .build();
            ingestor = new EnvelopeIngestor(pipeline, REGISTRY, DecoderLimits.DEFAULTS,
                new IdempotencyWindow(1 << 14, 600_000_000_000L), counters, 16, 1024,
                new QueueDelayAdmission(new JournalAckWaiter(new io.netty.channel.DefaultEventLoop(), pipeline,
                    1_000_000_000L, counters, false), 100_000_000L, 1_000_000_000L));
        }

        String answer(final byte[] body, final int offset, final int length, final boolean oneEnvelopeLikely,
            final boolean allowRestricted)
        {
            if (!IngestPath.findEnvelopes(ingestor, splitter, body, offset, length, oneEnvelopeLikely,
                allowRestricted))
            {
                decodedWhole = false;
                return "unsplittable: " + splitter.error() + " at " + splitter.errorOffset() + " too many: " +
                    splitter.tooMany();
            }
            decodedWhole = ingestor.decodedStart() >= 0 && splitter.count() == 1 &&
                splitter.start(0) == ingestor.decodedStart() && splitter.length(0) == ingestor.decodedLength();
            final IngestReport report = ingestor.ingest(body, splitter, allowRestricted);
            ingestor.release(report.queuePlaces());
            return report.status() + " " + report.reason() + " envelopes " + splitter.count() + " " +
                report.toJson("accepted", -1) + " details " + report.details;
        }

        /** Every refusal counted so far, by reason, and the envelopes still in flight. */
        String refusals()
        {
            final StringBuilder out = new StringBuilder();
            for (final RejectReason reason : RejectReason.values())
            {
                out.append(reason).append('=').append(counters.rejections(reason)).append(' ');
            }
            return out.append("in flight ").append(counters.inFlightEnvelopes()).toString();
        }

        @Override
        public void close()
        {
            pipeline.close();
        }
    }

    /** The gateway's built-in manifest for sim.v1, loaded as the gateway loads it. */
    private static CompiledManifest defaultManifest()
    {
        return GatewayManifestLoader.load(GatewayConfig.defaults(), REGISTRY).compiled();
    }
}
