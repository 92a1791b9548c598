package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.ProducerMode;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's ingest path without the network: from the Netty buffer holding a request's body (or a binary
 * WebSocket message) to its frames published in an embedded pipeline's ring, on the calling thread as on an event
 * loop — the work the loop does per request before it waits for the ack ({@code docs/architecture.md}, "Bytes on the
 * ingest path"). The answer and the ack wait are not in it.
 * <ul>
 *   <li>{@code beaconJson}: one {@code pitgun-envelope-v1} of {@code frames} frames × 6 samples with a fresh
 *   {@code event_id} per call: {@link IngestPath}'s body step, {@link BeaconBodySplitter}, {@link EnvelopeIngestor}
 *   (decode and check once, admission, idempotency claim with the content digest, one copy into the slots);</li>
 *   <li>{@code binarySbe}: the same frames as back-to-back SBE messages: {@link SbeMessageSplitter} (the one
 *   {@code FrameValidator} check) and one copy from the message's buffer into the slots;</li>
 *   <li>{@code partCopyBody}, {@code partSplit}, {@code partDecode}, {@code partDigest}, {@code partCopyToSlots}: the
 *   parts alone (direct buffer, no pipeline), to say what each copy and pass costs next to the whole; they take the
 *   class's parameters too, so run them with {@code -p journal=off}.</li>
 * </ul>
 * {@code buffer}: the body in a {@code direct} (what Netty's pooled allocator gives an epoll or NIO read) or a
 * {@code heap} buffer ({@code -p buffer=direct,heap}).
 * {@code journal}: {@code on} journals every frame on the pipeline's thread (journaled ack mode), {@code off} only
 * processes it; either way the pipeline's thread shares the machine with this one, as it does with a real loop. When
 * the ring is full the call waits for room and publishes again (as a client's retry would), so the figure is the
 * sustained cost, and on a machine with fewer free cores than two it is the pipeline's pace, not the loop's. Run with
 * {@code -prof gc}: per request only the report (and for JSON the first event id's text), nothing per frame.
 * <p>
 * This class lives in the gateway's package (in the perf module) to reach the per-loop ingest classes without
 * widening their API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class IngestPathBenchmark
{
    static final int SAMPLES_PER_FRAME = 6;
    /** The event id of the envelope; each call writes a count into its last 12 hex digits. */
    private static final String EVENT_ID = "00000000-0000-4000-8000-000000000000";

    @Param({"1", "100"})
    public int frames;

    @Param({"direct"})
    public String buffer;

    @Param({"off", "on"})
    public String journal;

    private Path directory;
    private TelemetryPipeline pipeline;
    private GatewayCounters counters;
    private EnvelopeIngestor ingestor;
    private MessageBytes body;
    private BeaconBodySplitter splitter;
    private SbeMessageSplitter sbeSplitter;
    private ByteBuf json;
    private int eventIdEnd;
    private long eventCount;
    private ByteBuf sbe;

    /** The parts' envelope of {@code frames} frames, decoded once to have its frames. */
    @State(Scope.Thread)
    public static class Parts
    {
        @Param({"1", "100"})
        public int frames;

        final MessageBytes body = new MessageBytes();
        final BeaconBodySplitter splitter = new BeaconBodySplitter(GatewayServer.MAX_ENVELOPES_PER_REQUEST);
        final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1 << 20);
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[1 << 16]);
        EnvelopeDecoder decoder;
        byte[] text;
        ByteBuf json;
        int[] offsets;
        int[] lengths;

        @Setup(Level.Trial)
        public void setUp()
        {
            final ParameterRegistry registry = ParameterRegistry.simV1();
            text = envelope(registry, frames).getBytes(StandardCharsets.UTF_8);
            json = Unpooled.directBuffer(text.length).writeBytes(text);
            decoder = new EnvelopeDecoder(registry);
            if (!decoder.decode(text, 0, text.length, scratch, 0))
            {
                throw new IllegalStateException("benchmark envelope is invalid: " + decoder.error());
            }
            offsets = new int[frames];
            lengths = new int[frames];
            for (int m = 0; m < frames; m++)
            {
                offsets[m] = decoder.result().messageOffset(m);
                lengths[m] = decoder.result().messageLength(m);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            json.release();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, ManifestException
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        directory = Files.createTempDirectory("pitgun-bench-ingest");
        final boolean journaled = "on".equals(journal);
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(
            Path.of("passthrough.yaml"), passthroughManifest(registry)), registry);
        pipeline = TelemetryPipeline.builder().name("bench").dictionary(registry).manifest(manifest)
            .config(PipelineConfig.builder().journalDirectory(journaled ? directory : null)
                // The ring the gateway runs by default: single-producer, as GatewayServer opens it when its one event
                // loop is the only producer (IO_THREADS=1, no UDP_BIND).
                .ackMode(journaled ? AckMode.JOURNALED : AckMode.ACCEPTED).producerMode(ProducerMode.SINGLE)
                .build())
            .build();
        counters = new GatewayCounters();
        final JournalAckWaiter waiter = new JournalAckWaiter(new io.netty.channel.DefaultEventLoop(), pipeline,
            1_000_000_000L, counters, false);
        // Nothing waits for an ack here, so the queueing delay stays 0 and admission always admits.
        ingestor = new EnvelopeIngestor(pipeline, registry, DecoderLimits.DEFAULTS, new IdempotencyWindow(1 << 16,
            600_000_000_000L), counters, GatewayServer.MAX_ENVELOPES_PER_REQUEST, 1024,
            new QueueDelayAdmission(waiter, Long.MAX_VALUE, Long.MAX_VALUE));
        body = new MessageBytes();
        splitter = new BeaconBodySplitter(GatewayServer.MAX_ENVELOPES_PER_REQUEST);
        sbeSplitter = new SbeMessageSplitter(registry, GatewayServer.MAX_ENVELOPES_PER_REQUEST,
            pipeline.config().maxFrameBytes());

        final byte[] text = envelope(registry, frames).getBytes(StandardCharsets.UTF_8);
        json = "heap".equals(buffer) ? Unpooled.buffer(text.length) : Unpooled.directBuffer(text.length);
        json.writeBytes(text);
        eventIdEnd = new String(text, StandardCharsets.UTF_8).indexOf(EVENT_ID) + EVENT_ID.length();

        final Parts frameBytes = new Parts();
        frameBytes.frames = frames;
        frameBytes.setUp();
        final int sbeLength = frameBytes.decoder.result().encodedLength();
        sbe = "heap".equals(buffer) ? Unpooled.buffer(sbeLength) : Unpooled.directBuffer(sbeLength);
        sbe.writeBytes(frameBytes.scratch.byteArray(), 0, sbeLength);
        frameBytes.tearDown();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        pipeline.close();
        json.release();
        sbe.release();
        io.pitgun.perf.BenchPipeline.delete(directory);
    }

    /** One envelope of JSON, from its buffer to its frames in the ring (IngestPath.splitEnvelopes + ingest). */
    @Benchmark
    public int beaconJson()
    {
        freshEventId();
        while (true)
        {
            body.wrapJson(json);
            if (!IngestPath.findEnvelopes(ingestor, splitter, body.array(), body.offset(), body.length(), true, false))
            {
                throw new IllegalStateException(splitter.error());
            }
            final IngestReport report = ingestor.ingest(body.array(), splitter, false);
            ingestor.release(report.queuePlaces());
            if (report.status() == 202)
            {
                return report.framesAccepted();
            }
            awaitRoom(report);
        }
    }

    /** The same frames as one binary message of SBE messages (IngestPath.ingestBinary). */
    @Benchmark
    public int binarySbe()
    {
        while (true)
        {
            final org.agrona.DirectBuffer view = body.wrapBinary(sbe);
            if (!sbeSplitter.split(view, 0, sbe.readableBytes(), false))
            {
                throw new IllegalStateException(sbeSplitter.error());
            }
            final IngestReport report = ingestor.ingestSbe(view, sbeSplitter);
            ingestor.release(report.queuePlaces());
            if (report.status() == 202)
            {
                return report.framesAccepted();
            }
            awaitRoom(report);
        }
    }

    /** Part: the body from its Netty buffer to where the decoder reads it. */
    @Benchmark
    public int partCopyBody(final Parts parts)
    {
        parts.body.wrapJson(parts.json);
        return parts.body.array()[parts.body.offset()];
    }

    /** Part: the splitter's pass over the body, finding the envelope. */
    @Benchmark
    public int partSplit(final Parts parts)
    {
        return parts.splitter.split(parts.text, 0, parts.text.length) ? parts.splitter.count() : -1;
    }

    /** Part: decoding and checking the envelope into SBE frames in a scratch buffer. */
    @Benchmark
    public int partDecode(final Parts parts)
    {
        if (!parts.decoder.decode(parts.text, 0, parts.text.length, parts.scratch, 0))
        {
            throw new IllegalStateException(parts.decoder.error().toString());
        }
        return parts.decoder.result().messageCount();
    }

    /** Part: the content digest over the decoded frames (the idempotency window's key with the event id). */
    @Benchmark
    public long partDigest(final Parts parts)
    {
        return EnvelopeDigest.of(parts.scratch, parts.offsets, parts.lengths, 0, parts.frames);
    }

    /** Part: the frames' copy from the scratch buffer into slot-sized buffers (what a publish copies). */
    @Benchmark
    public int partCopyToSlots(final Parts parts)
    {
        int total = 0;
        for (int m = 0; m < parts.frames; m++)
        {
            total += FrameFlyweight.copyNormalised(parts.scratch, parts.offsets[m], parts.lengths[m], parts.slot, 32);
        }
        return total;
    }

    private void awaitRoom(final IngestReport report)
    {
        if (report.reason() != RejectReason.RING_FULL && report.reason() != RejectReason.QUEUE_FULL)
        {
            throw new IllegalStateException(report.status() + " " + report.reason() + ": " + report.message);
        }
        while (pipeline.remainingCapacity() < frames)
        {
            Thread.onSpinWait();
        }
    }

    private void freshEventId()
    {
        long n = ++eventCount;
        for (int i = eventIdEnd - 1; i >= eventIdEnd - 12; i--, n >>>= 4)
        {
            json.setByte(json.readerIndex() + i, Character.forDigit((int)(n & 0xF), 16));
        }
    }

    private static String passthroughManifest(final ParameterRegistry registry)
    {
        return "version: v1\nname: bench-passthrough\ndictionary: " + registry.name() + "\npipeline:\n" +
            "  - type: output\n    contracts: [pitgun-envelope/v1]\n";
    }

    /** One telemetry.sample_batch envelope of {@code frames} frames of the first six numeric public channels. */
    static String envelope(final ParameterRegistry registry, final int frames)
    {
        final List<ParameterDefinition> channels = new ArrayList<>();
        for (final ParameterDefinition p : registry.parameters())
        {
            if (p.dataType() != DataType.BOOL && p.access() != AccessLevel.RESTRICTED &&
                channels.size() < SAMPLES_PER_FRAME)
            {
                channels.add(p);
            }
        }
        final StringBuilder sb = new StringBuilder(512 + frames * 256);
        sb.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"").append(EVENT_ID)
            .append("\",\"ts\":\"2026-12-03T07:00:00Z\",\"player_id\":\"7d16dde5-88a6-4b47-8cd8-c711601cd61f\",")
            .append("\"session_id\":\"53702b3e-3e56-41a2-8834-9169ee5e991e\",\"source_id\":1,")
            .append("\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[");
        for (int f = 0; f < frames; f++)
        {
            sb.append(f == 0 ? "{" : ",{").append("\"sequence\":").append(1000 + f)
                .append(",\"timestamp_us\":").append(1_796_000_000_000_000L + f * 10_000L).append(",\"samples\":{");
            for (int c = 0; c < channels.size(); c++)
            {
                final ParameterDefinition p = channels.get(c);
                final double value = p.min() + (p.max() - p.min()) * (0.3 + 0.05 * c);
                sb.append(c == 0 ? "\"" : ",\"").append(p.name()).append("\":");
                if (p.dataType().isInteger())
                {
                    sb.append(Math.round(value));
                }
                else
                {
                    sb.append(Math.round(value * 1000) / 1000.0);
                }
            }
            sb.append("}}");
        }
        return sb.append("]}}").toString();
    }
}
