package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * decode(encode(x)) == x: random frames written by the SBE-generated encoder, then grown as a newer schema would
 * write them (random bytes appended to the root block and to every sample, a random newer version), read back
 * field by field through {@link FrameFlyweight} at their acting lengths; and {@link FrameFlyweight#copyNormalised}
 * of the grown frame, to another buffer or in place, is byte for byte the encoder's own frame.
 */
class FrameFlyweightPropertyTest
{
    private final UnsafeBuffer encoded = new UnsafeBuffer(new byte[1 << 16]);
    private final UnsafeBuffer grown = new UnsafeBuffer(new byte[1 << 17]);
    private final UnsafeBuffer normalised = new UnsafeBuffer(new byte[1 << 16]);
    private final FrameFlyweight flyweight = new FrameFlyweight();

    record Sample(long value, int parameterId, int valueType, int quality)
    {
    }

    record Frame(long sessionMsb, long sessionLsb, long producerMsb, long producerLsb, long sequence,
        long timestampUs, int sourceId, int lapNumber, int sector, int flags, List<Sample> samples)
    {
    }

    record Growth(int extraRoot, int extraSample, int version, byte filler)
    {
    }

    @Property(tries = 2000)
    void shouldReadGrownFrameAsTheEncoderWroteIt(@ForAll("frames") final Frame x, @ForAll("growths") final Growth g)
    {
        final int length = encode(x);
        final int grownLength = SbeFrames.grow(encoded, length, g.extraRoot(), g.extraSample(), g.version(),
            g.filler(), grown);

        final long result = FrameStructure.checkExactly(grown, 0, grownLength);
        assertTrue(FrameStructure.isReadable(result), () -> FrameStructure.problem(result).summary());
        assertEquals(grownLength, FrameStructure.messageLength(result));
        assertEquals(x, decode(flyweight.wrap(grown, 0)));
        assertEquals(FrameDescriptor.FRAME_BLOCK_LENGTH + g.extraRoot(), flyweight.actingBlockLength());
        assertEquals(g.version(), flyweight.actingVersion());

        // A frame in this build's lengths is copied as it came, version and all; a grown one gets this build's.
        if (g.extraRoot() == 0 && g.extraSample() == 0)
        {
            SbeFrames.putU16(encoded, FrameDescriptor.VERSION_OFFSET, g.version());
        }
        final byte[] expected = bytes(encoded, length);
        final int copied = FrameFlyweight.copyNormalised(grown, 0, grownLength, normalised, 0);
        assertArrayEquals(expected, bytes(normalised, copied));
        assertEquals(x, decode(flyweight.wrap(normalised, 0)));

        final int inPlace = FrameFlyweight.copyNormalised(grown, 0, grownLength, grown, 0);
        assertArrayEquals(expected, bytes(grown, inPlace));
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private int encode(final Frame x)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(encoded, 0, new MessageHeaderEncoder())
            .sequence(x.sequence())
            .timestampUs(x.timestampUs())
            .sourceId(x.sourceId())
            .lapNumber(x.lapNumber())
            .sector((short)x.sector());
        encoder.sessionId().mostSigBits(x.sessionMsb()).leastSigBits(x.sessionLsb());
        encoder.producerId().mostSigBits(x.producerMsb()).leastSigBits(x.producerLsb());
        encoder.flags().clear().replayed((x.flags() & 1) != 0).merged((x.flags() & 2) != 0)
            .derived((x.flags() & 4) != 0);
        final TelemetryFrameEncoder.SamplesEncoder group = encoder.samplesCount(x.samples().size());
        for (final Sample sample : x.samples())
        {
            group.next().value(sample.value()).parameterId(sample.parameterId())
                .valueType(io.pitgun.codecs.sbe.ValueType.get((short)sample.valueType()))
                .quality(io.pitgun.codecs.sbe.SignalQuality.get((short)sample.quality()));
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static Frame decode(final FrameFlyweight frame)
    {
        final List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < frame.sampleCount(); i++)
        {
            samples.add(new Sample(frame.sampleValue(i), frame.sampleParameterId(i), frame.sampleValueType(i),
                frame.sampleQuality(i)));
        }
        return new Frame(frame.longField(FrameDescriptor.SESSION_MSB), frame.longField(FrameDescriptor.SESSION_LSB),
            frame.longField(FrameDescriptor.PRODUCER_MSB), frame.longField(FrameDescriptor.PRODUCER_LSB),
            frame.longField(FrameDescriptor.SEQUENCE), frame.longField(FrameDescriptor.TIMESTAMP_US),
            frame.shortField(FrameDescriptor.SOURCE_ID), frame.shortField(FrameDescriptor.LAP_NUMBER),
            frame.byteField(FrameDescriptor.SECTOR), frame.byteField(FrameDescriptor.FLAGS), samples);
    }

    @Provide
    Arbitrary<Frame> frames()
    {
        final Arbitrary<Sample> sample = Combinators.combine(Arbitraries.longs(),
            Arbitraries.integers().between(0, 65_535), Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, 3)).as(Sample::new);
        final Arbitrary<long[]> ids = Arbitraries.longs().array(long[].class).ofSize(6);
        return Combinators.combine(ids, Arbitraries.integers().between(0, 65_535),
            Arbitraries.integers().between(0, 65_535), Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(0, 7), sample.list().ofMaxSize(300))
            .as((l, source, lap, sector, flags, samples) -> new Frame(l[0], l[1], l[2], l[3], l[4], l[5], source,
                lap, sector, flags, samples));
    }

    @Provide
    Arbitrary<Growth> growths()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 64), Arbitraries.integers().between(0, 64),
            Arbitraries.integers().between(1, 65_535), Arbitraries.bytes()).as(Growth::new);
    }
}
