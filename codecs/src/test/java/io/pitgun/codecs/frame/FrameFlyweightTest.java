package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameValidator.Level;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static io.pitgun.codecs.frame.SbeFrames.Sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message written by a newer schema, read at its acting lengths and turned into this build's layout. */
@Timeout(30)
class FrameFlyweightTest
{
    private static final long NOW_US = 1_700_000_000_000_000L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer grown = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[4096]);
    private final FrameFlyweight flyweight = new FrameFlyweight();
    private final FrameValidator validator = new FrameValidator(ParameterRegistry.simV1());

    @Test
    void shouldReadFrameWithExtraTrailingFieldInRootBlockAndSamples()
    {
        final int length = SbeFrames.frame(buffer, 0, 42, NOW_US, 3, 2, 7,
            new Sample(1, 1, 0, 9000), new Sample(3, 7, 0, Double.doubleToRawLongBits(120.0)));
        // Version 2 appended an 8-byte field to the root block and a 4-byte one to each sample.
        final int grownLength = SbeFrames.grow(buffer, length, 8, 4, 2, (byte)0x7F, grown);
        assertEquals(length + 8 + 2 * 4, grownLength);

        assertTrue(validator.validateExactly(grown, 0, grownLength, Level.DICTIONARY), validator::describe);
        flyweight.wrap(grown, 0);
        assertEquals(FrameDescriptor.FRAME_BLOCK_LENGTH + 8, flyweight.actingBlockLength());
        assertEquals(2, flyweight.actingVersion());
        assertEquals(FrameDescriptor.SAMPLE_LENGTH + 4, flyweight.actingSampleLength());
        assertEquals(42, flyweight.longField(FrameDescriptor.SEQUENCE));
        assertEquals(NOW_US, flyweight.longField(FrameDescriptor.TIMESTAMP_US));
        assertEquals(7, flyweight.shortField(FrameDescriptor.SOURCE_ID));
        assertEquals(3, flyweight.shortField(FrameDescriptor.LAP_NUMBER));
        assertEquals(2, flyweight.sampleCount());
        assertEquals(1, flyweight.sampleParameterId(0));
        assertEquals(9000, flyweight.sampleValue(0));
        assertEquals(3, flyweight.sampleParameterId(1));
        assertEquals(FrameDescriptor.TYPE_F32, flyweight.sampleValueType(1));
        assertEquals(120.0, Double.longBitsToDouble(flyweight.sampleValue(1)));

        final int copied = FrameFlyweight.copyNormalised(grown, 0, grownLength, copy, 0);
        assertEquals(length, copied);
        assertEquals(buffer.getStringWithoutLengthAscii(0, length), copy.getStringWithoutLengthAscii(0, copied));
    }

    @Test
    void shouldCopyThisBuildsLayoutByteForByteWhateverItsVersion()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, FrameDescriptor.VERSION_OFFSET, 0);
        assertEquals(length, FrameFlyweight.copyNormalised(buffer, 0, length, copy, 0));
        assertEquals(buffer.getStringWithoutLengthAscii(0, length), copy.getStringWithoutLengthAscii(0, length));
    }

    @Test
    void shouldReadSessionMarkerWithLongerRootBlockAndNormaliseIt()
    {
        final byte[] label = "practice".getBytes(StandardCharsets.UTF_8);
        final int length = SbeFrames.sessionStart(buffer, 0, NOW_US, label);
        final int extra = 6;
        // The root block grows by 6 bytes; the label follows them.
        grown.putBytes(0, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH);
        SbeFrames.putU16(grown, 0, SessionStartEncoder.BLOCK_LENGTH + extra);
        grown.setMemory(MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH, extra, (byte)1);
        final int labelAt = MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH;
        grown.putBytes(labelAt + extra, buffer, labelAt, length - labelAt);
        final int grownLength = length + extra;

        assertTrue(validator.validateExactly(grown, 0, grownLength, Level.DICTIONARY), validator::describe);
        assertEquals(labelAt + extra, flyweight.wrap(grown, 0).afterRootBlock());
        final int copied = FrameFlyweight.copyNormalised(grown, 0, grownLength, grown, 0);
        assertEquals(length, copied);
        assertEquals(buffer.getStringWithoutLengthAscii(0, length), grown.getStringWithoutLengthAscii(0, copied));
    }
}
