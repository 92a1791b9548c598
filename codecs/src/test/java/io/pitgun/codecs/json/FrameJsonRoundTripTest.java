package io.pitgun.codecs.json;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** decode(encode(frames)) == frames, byte for byte, for any frames the dictionary accepts. */
class FrameJsonRoundTripTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();

    private final FrameJsonEncoder encoder = new FrameJsonEncoder(REGISTRY);
    private final EnvelopeDecoder decoder = new EnvelopeDecoder(REGISTRY).allowRestricted(true);

    @Property(tries = 1000)
    void decodeOfEncodeIsIdentity(@ForAll("batches") final Batch batch)
    {
        final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(4096);
        final int[] offsets = new int[batch.frames().size()];
        int position = 0;
        for (int i = 0; i < batch.frames().size(); i++)
        {
            offsets[i] = position;
            position = encode(batch, batch.frames().get(i), sbe, position);
        }

        final ExpandableArrayBuffer json = new ExpandableArrayBuffer(4096);
        final int jsonLength = encoder.encodeEnvelope(UUID.randomUUID(), "2026-11-22T10:00:00Z", sbe, offsets,
            offsets.length, json, 0);

        final UnsafeBuffer decoded = new UnsafeBuffer(new byte[position + 64]);
        assertTrue(decoder.decode(json, 0, jsonLength, decoded, 0),
            () -> decoder.error() + "\n" + json.getStringWithoutLengthUtf8(0, jsonLength));
        assertEquals(offsets.length, decoder.result().messageCount());
        final byte[] expected = new byte[position];
        final byte[] actual = new byte[decoder.result().encodedLength()];
        sbe.getBytes(0, expected);
        decoded.getBytes(decoder.result().messageOffset(0), actual);
        assertArrayEquals(expected, actual, () -> json.getStringWithoutLengthUtf8(0, jsonLength));
    }

    /**
     * A filtered encoder shows a frame when a sample of it passes the filter (so never one without samples), and
     * writes exactly those samples; the reference is the frame's own list.
     */
    @Property(tries = 500)
    void showsAFrameExactlyWhenTheFilterPassesOneOfItsSamples(@ForAll("filterBatches") final Batch batch,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final boolean[] shown = new boolean[65_536];
        for (final ParameterDefinition channel : REGISTRY.parameters())
        {
            shown[channel.id()] = random.nextInt(4) == 0;
        }
        final FrameJsonEncoder filtered = new FrameJsonEncoder(REGISTRY, id -> null, id -> shown[id]);
        final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(4096);
        final ExpandableArrayBuffer json = new ExpandableArrayBuffer(4096);
        for (final Frame frame : batch.frames())
        {
            encode(batch, frame, sbe, 0);
            final long passing = frame.samples().stream().filter(sample -> shown[sample.channel().id()]).count();
            assertEquals(passing > 0, filtered.showsAnySample(sbe, 0), frame.toString());
            final int end = filtered.encodeFrame(sbe, 0, json, 0, false);
            final String written = json.getStringWithoutLengthUtf8(0, end);
            for (final Sample sample : frame.samples())
            {
                assertEquals(shown[sample.channel().id()], written.contains("\"" + sample.channel().name() + "\":"),
                    written);
            }
        }
    }

    private static int encode(final Batch batch, final Frame frame, final ExpandableArrayBuffer out, final int offset)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(out, offset, new MessageHeaderEncoder())
            .sequence(frame.sequence())
            .timestampUs(frame.timestampUs())
            .sourceId(batch.sourceId())
            .lapNumber(frame.lapNumber())
            .sector(frame.sector());
        encoder.sessionId().mostSigBits(batch.session().getMostSignificantBits())
            .leastSigBits(batch.session().getLeastSignificantBits());
        encoder.producerId().mostSigBits(batch.producer().getMostSignificantBits())
            .leastSigBits(batch.producer().getLeastSignificantBits());
        encoder.flags().clear();
        final TelemetryFrameEncoder.SamplesEncoder samples = encoder.samplesCount(frame.samples().size());
        for (final Sample sample : frame.samples())
        {
            samples.next()
                .value(sample.bits())
                .parameterId(sample.channel().id())
                .valueType(sample.channel().dataType().valueType())
                .quality(SignalQuality.GOOD);
        }
        return offset + MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Provide
    Arbitrary<Batch> batches()
    {
        final Arbitrary<UUID> uuids = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
        return Combinators.combine(uuids, uuids, Arbitraries.integers().between(0, 65_535),
            frame().list().ofMinSize(1).ofMaxSize(4)).as(Batch::new);
    }

    /** Batches whose frames may also have no samples (a manifest's whitelist can empty one). */
    @Provide
    Arbitrary<Batch> filterBatches()
    {
        final Arbitrary<UUID> uuids = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
        return Combinators.combine(uuids, uuids, Arbitraries.integers().between(0, 65_535),
            frame(0).list().ofMinSize(1).ofMaxSize(4)).as(Batch::new);
    }

    private Arbitrary<Frame> frame()
    {
        return frame(1);
    }

    private Arbitrary<Frame> frame(final int minSamples)
    {
        return Combinators.combine(
            Arbitraries.longs().between(0, EnvelopeDecoder.MAX_SAFE_INTEGER),
            Arbitraries.longs().between(0, EnvelopeDecoder.MAX_SAFE_INTEGER),
            Arbitraries.oneOf(Arbitraries.integers().between(0, 65_534), Arbitraries.just(65_535)),
            Arbitraries.oneOf(Arbitraries.shorts().between((short)0, (short)254), Arbitraries.just((short)255)),
            Arbitraries.integers().between(minSamples, REGISTRY.parameters().size()).flatMap(this::samples))
            .as(Frame::new);
    }

    private Arbitrary<List<Sample>> samples(final int count)
    {
        if (count == 0)
        {
            return Arbitraries.just(List.of());
        }
        return Arbitraries.shuffle(REGISTRY.parameters()).flatMap(channels ->
        {
            final List<Arbitrary<Sample>> values = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                values.add(value(channels.get(i)));
            }
            return Combinators.combine(values).as(list -> list);
        });
    }

    private static Arbitrary<Sample> value(final ParameterDefinition channel)
    {
        final DataType type = channel.dataType();
        final Arbitrary<Long> bits;
        if (type == DataType.BOOL)
        {
            bits = Arbitraries.of(0L, 1L);
        }
        else if (type.isInteger())
        {
            bits = Arbitraries.longs().between((long)channel.min(), (long)channel.max());
        }
        else if (type == DataType.F32)
        {
            bits = Arbitraries.floats().between((float)channel.min(), (float)channel.max())
                .edgeCases(c -> c.add((float)channel.min()).add((float)channel.max()))
                .map(f -> Double.doubleToRawLongBits((double)f));
        }
        else
        {
            bits = Arbitraries.doubles().between(channel.min(), channel.max())
                .map(Double::doubleToRawLongBits);
        }
        return bits.map(b -> new Sample(channel, b));
    }

    record Batch(UUID session, UUID producer, int sourceId, List<Frame> frames)
    {
    }

    record Frame(long sequence, long timestampUs, int lapNumber, short sector, List<Sample> samples)
    {
    }

    record Sample(ParameterDefinition channel, long bits)
    {
    }
}
