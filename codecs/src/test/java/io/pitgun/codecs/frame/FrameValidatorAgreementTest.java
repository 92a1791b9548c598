package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameValidator.Level;
import io.pitgun.codecs.json.FrameJsonEncoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import java.util.List;
import java.util.UUID;

import static io.pitgun.codecs.frame.SbeFrames.Sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * One rule for both paths: for random frames, hostile ones included, the {@link EnvelopeDecoder} accepts the JSON
 * form ({@link FrameJsonEncoder}) exactly when the {@link FrameValidator} accepts the SBE form. Frames hold only
 * what JSON can express (the dictionary's value type per channel, BOOL as 0 or 1, F32 values that are floats, no
 * flags): the rest has no JSON form and is covered example by example in {@link FrameValidatorTest}. And no
 * input, however hostile, makes the validator throw.
 */
class FrameValidatorAgreementTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();
    private static final long MAX = EnvelopeDecoder.MAX_SAFE_INTEGER;

    private final FrameJsonEncoder json = new FrameJsonEncoder(REGISTRY);
    private final EnvelopeDecoder decoder = new EnvelopeDecoder(REGISTRY);
    private final FrameValidator validator = new FrameValidator(REGISTRY);
    private final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(8192);
    private final ExpandableArrayBuffer text = new ExpandableArrayBuffer(16384);
    private final ExpandableArrayBuffer decoded = new ExpandableArrayBuffer(16384);

    record Frame(long sequence, long timestampUs, int lap, int sector, int source, boolean restricted,
        List<Sample> samples)
    {
    }

    @Property(tries = 3000)
    void envelopeDecoderAcceptsJsonFormIffValidatorAcceptsSbeForm(@ForAll("frames") final Frame frame)
    {
        decoder.allowRestricted(frame.restricted());
        validator.allowRestricted(frame.restricted());
        final int length = SbeFrames.frame(sbe, 0, frame.sequence(), frame.timestampUs(), frame.lap(), frame.sector(),
            frame.source(), frame.samples().toArray(new Sample[0]));
        final boolean sbeOk = validator.validateExactly(sbe, 0, length, Level.DICTIONARY);
        final int jsonLength = json.encodeEnvelope(new UUID(1, 2), "2026-11-22T10:00:00Z", sbe, new int[] { 0 }, 1,
            text, 0);
        final boolean jsonOk = decoder.decode(text, 0, jsonLength, decoded, 0);
        Statistics.label("accepted").collect(sbeOk);
        assertEquals(jsonOk, sbeOk, () -> "JSON " + (jsonOk ? "accepted" : "refused: " + decoder.error()) +
            ", SBE " + (sbeOk ? "accepted" : "refused: " + validator.describe()) + "\n" +
            text.getStringWithoutLengthUtf8(0, jsonLength));
    }

    @Property(tries = 2000)
    void shouldNeverThrowOnArbitraryBytes(@ForAll @Size(max = 200) final byte[] bytes)
    {
        final UnsafeBuffer in = new UnsafeBuffer(bytes);
        // A valid-looking header half of the time, so the checks past the header are reached too.
        if (bytes.length >= 8 && (bytes[0] & 1) == 0)
        {
            in.putShort(2, (short)(1 + (bytes[1] & 3)), ByteOrder.LITTLE_ENDIAN);
            in.putShort(4, (short)7301, ByteOrder.LITTLE_ENDIAN);
            in.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN);
        }
        for (final Level level : Level.values())
        {
            final boolean ok = validator.validateExactly(in, 0, bytes.length, level);
            if (!ok)
            {
                assertFalse(validator.describe().isEmpty());
            }
        }
    }

    @Provide
    Arbitrary<Frame> frames()
    {
        final Arbitrary<Long> bounded = Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.longs().between(0, MAX)),
            Tuple.of(1, Arbitraries.of(0L, MAX, MAX + 1, -1L, Long.MIN_VALUE, Long.MAX_VALUE)),
            Tuple.of(1, Arbitraries.longs()));
        return Combinators.combine(bounded, bounded,
            Arbitraries.integers().between(0, 65_535), Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(0, 65_535), Arbitraries.of(true, false),
            sample().list().ofMinSize(0).ofMaxSize(6)).as(Frame::new);
    }

    private Arbitrary<Sample> sample()
    {
        final List<ParameterDefinition> channels = REGISTRY.parameters();
        final Arbitrary<Sample> known = Arbitraries.of(channels).flatMap(channel ->
            Combinators.combine(value(channel), Arbitraries.integers().between(0, 3))
                .as((bits, quality) -> new Sample(channel.id(), channel.dataType().valueType().value(), quality, bits)));
        final Arbitrary<Sample> unknown = Combinators.combine(Arbitraries.integers().between(REGISTRY.maxId() + 1, 65_535),
            Arbitraries.integers().between(0, 8), Arbitraries.longs().between(-1000, 1000))
            .as((id, type, bits) -> new Sample(id, type, 0, bits));
        return Arbitraries.frequencyOf(Tuple.of(30, known), Tuple.of(1, unknown));
    }

    private static Arbitrary<Long> value(final ParameterDefinition channel)
    {
        final DataType type = channel.dataType();
        if (type == DataType.BOOL)
        {
            return Arbitraries.of(0L, 1L);
        }
        if (type.isInteger())
        {
            return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between((long)channel.min(), (long)channel.max())),
                Tuple.of(1, Arbitraries.of((long)channel.min() - 1, (long)channel.max() + 1,
                    type.minInteger() - 1, type.maxInteger() + 1, Long.MIN_VALUE, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
        }
        final double min = channel.min();
        final double max = channel.max();
        if (type == DataType.F32)
        {
            return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.floats().between((float)min, (float)max)),
                Tuple.of(1, Arbitraries.of(Math.nextDown((float)min), Math.nextUp((float)max), -0.0f,
                    Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE)),
                Tuple.of(1, Arbitraries.integers().map(Float::intBitsToFloat)))
                .map(f -> Double.doubleToRawLongBits((double)f));
        }
        return Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.doubles().between(min, max)),
            Tuple.of(1, Arbitraries.of(Math.nextDown(min), Math.nextUp(max), -0.0, Double.NaN,
                Double.POSITIVE_INFINITY, Double.MIN_VALUE, 1e-300)),
            Tuple.of(1, Arbitraries.longs().map(Double::longBitsToDouble)))
            .map(Double::doubleToRawLongBits);
    }
}
