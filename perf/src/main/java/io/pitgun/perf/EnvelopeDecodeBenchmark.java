package io.pitgun.perf;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One {@code pitgun-envelope-v1} of 100 frames × 16 samples (about 60 KB of JSON), decoded:
 * <ul>
 *   <li>{@code decodeToSbe}: Pitgun's decoder — parse, validate against the contract and the dictionary, and
 *   encode 100 SBE frames into a reused buffer;</li>
 *   <li>{@code jacksonDatabind}: what a user would write instead — Jackson databind into plain Java objects,
 *   with no validation and no binary output.</li>
 * </ul>
 * The {@code jsonBytes} counter is the JSON throughput in bytes/s; run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm} (bytes allocated per envelope).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class EnvelopeDecodeBenchmark
{
    static final int FRAMES = 100;
    static final int SAMPLES_PER_FRAME = 16;

    private byte[] json;
    private UnsafeBuffer input;
    private UnsafeBuffer output;
    private EnvelopeDecoder decoder;
    private ObjectReader jackson;

    /** JSON bytes consumed per second, reported next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput
    {
        public long jsonBytes;

        @Setup(Level.Iteration)
        public void reset()
        {
            jsonBytes = 0;
        }
    }

    @Setup
    public void setUp()
    {
        final ParameterRegistry registry = ParameterRegistry.simV1();
        json = envelope(registry).getBytes(StandardCharsets.UTF_8);
        input = new UnsafeBuffer(json);
        output = new UnsafeBuffer(new byte[EnvelopeDecoder.requiredOutputBytes(FRAMES, SAMPLES_PER_FRAME)]);
        decoder = new EnvelopeDecoder(registry);
        if (!decoder.decode(input, 0, json.length, output, 0))
        {
            throw new IllegalStateException("benchmark envelope is invalid: " + decoder.error());
        }
        jackson = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .readerFor(Envelope.class);
    }

    @Benchmark
    public int decodeToSbe(final Throughput throughput)
    {
        if (!decoder.decode(input, 0, json.length, output, 0))
        {
            throw new IllegalStateException(decoder.error().toString());
        }
        throughput.jsonBytes += json.length;
        return decoder.result().sampleCount();
    }

    @Benchmark
    public Envelope jacksonDatabind(final Throughput throughput) throws IOException
    {
        final Envelope envelope = jackson.readValue(json);
        throughput.jsonBytes += json.length;
        return envelope;
    }

    /** The envelope: 100 frames at 100 Hz of the 16 commonest numeric channels, values as a car produces them. */
    static String envelope(final ParameterRegistry registry)
    {
        final List<ParameterDefinition> channels = new ArrayList<>();
        for (final ParameterDefinition definition : registry.parameters())
        {
            if (definition.dataType() != DataType.BOOL && channels.size() < SAMPLES_PER_FRAME &&
                definition.access() != io.pitgun.codecs.dictionary.AccessLevel.RESTRICTED)
            {
                channels.add(definition);
            }
        }
        final Random random = new Random(42);
        final StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"b88c0d71-14c9-4a26-a290-a7f38ee17bbc\",")
            .append("\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"7d16dde5-88a6-4b47-8cd8-c711601cd61f\",")
            .append("\"session_id\":\"53702b3e-3e56-41a2-8834-9169ee5e991e\",\"event_type\":\"telemetry.sample_batch\",")
            .append("\"payload\":{\"frames\":[");
        for (int f = 0; f < FRAMES; f++)
        {
            sb.append(f == 0 ? "" : ",").append("{\"sequence\":").append(1000 + f)
                .append(",\"timestamp_us\":").append(1_775_911_424_279_000L + f * 10_000L)
                .append(",\"lap_number\":12,\"sector\":2,\"samples\":{");
            for (int s = 0; s < channels.size(); s++)
            {
                final ParameterDefinition channel = channels.get(s);
                final double position = 0.2 + 0.6 * random.nextDouble();
                final double value = channel.min() + (channel.max() - channel.min()) * position;
                sb.append(s == 0 ? "" : ",").append('"').append(channel.name()).append("\":");
                if (channel.dataType().isInteger())
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

    /** Plain objects a user would bind the envelope to. */
    public record Envelope(
        String schema_version, String event_id, String ts, String player_id, String session_id, Integer source_id,
        String event_type, Payload payload)
    {
    }

    public record Payload(List<Frame> frames)
    {
    }

    public record Frame(long sequence, long timestamp_us, Integer lap_number, Integer sector, Map<String, Double> samples)
    {
    }
}
