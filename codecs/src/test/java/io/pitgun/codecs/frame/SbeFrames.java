package io.pitgun.codecs.frame;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/** Writes frames field by field, raw codes included, so tests can build the hostile ones too. */
final class SbeFrames
{
    /** One sample as raw codes. */
    record Sample(int parameterId, int valueType, int quality, long bits)
    {
    }

    private SbeFrames()
    {
    }

    /** Writes a TelemetryFrame at {@code offset}; returns its length. */
    static int frame(final MutableDirectBuffer out, final int offset, final long sequence, final long timestampUs,
        final int lapNumber, final int sector, final int sourceId, final Sample... samples)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(out, offset, new MessageHeaderEncoder())
            .sequence(sequence)
            .timestampUs(timestampUs)
            .sourceId(sourceId)
            .lapNumber(lapNumber)
            .sector((short)sector);
        encoder.sessionId().mostSigBits(0x1234_5678_9abc_4defL).leastSigBits(0x8123_4567_89ab_cdefL);
        encoder.producerId().mostSigBits(0x0fed_cba9_8765_4321L).leastSigBits(0x9876_5432_10fe_dcbaL);
        encoder.flags().clear();
        final TelemetryFrameEncoder.SamplesEncoder group = encoder.samplesCount(samples.length);
        for (final Sample sample : samples)
        {
            group.next().value(sample.bits()).parameterId(sample.parameterId());
        }
        // Codes written raw: the generated setters take enums only, and hostile codes are what is under test.
        final int first = offset + FrameDescriptor.SAMPLES;
        for (int i = 0; i < samples.length; i++)
        {
            final int at = first + i * FrameDescriptor.SAMPLE_LENGTH;
            out.putByte(at + FrameDescriptor.SAMPLE_VALUE_TYPE, (byte)samples[i].valueType());
            out.putByte(at + FrameDescriptor.SAMPLE_QUALITY, (byte)samples[i].quality());
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /** A valid frame of one Engine_RPM (u16, id 1) sample. */
    static int validFrame(final MutableDirectBuffer out, final int offset)
    {
        return frame(out, offset, 1, 1_700_000_000_000_000L, 1, 0, 7, new Sample(1, 1, 0, 9000));
    }

    /** Writes a SessionStart with {@code label} bytes as given; returns its length. */
    static int sessionStart(final MutableDirectBuffer out, final int offset, final long timestampUs, final byte[] label)
    {
        final SessionStartEncoder encoder = new SessionStartEncoder()
            .wrapAndApplyHeader(out, offset, new MessageHeaderEncoder())
            .timestampUs(timestampUs)
            .sourceId(7);
        encoder.sessionId().mostSigBits(1).leastSigBits(2);
        encoder.producerId().mostSigBits(3).leastSigBits(4);
        encoder.putLabel(label, 0, label.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * Rewrites the frame {@code src[0, length)} as a newer schema would write it, into {@code out} at 0: header
     * version {@code version}, {@code extraRoot} bytes of {@code filler} appended to the root block and
     * {@code extraSample} appended to each sample, block lengths saying so. Returns the new length.
     */
    static int grow(final MutableDirectBuffer src, final int length, final int extraRoot, final int extraSample,
        final int version, final byte filler, final MutableDirectBuffer out)
    {
        final int count = src.getShort(FrameDescriptor.GROUP_HEADER + FrameDescriptor.GROUP_COUNT_OFFSET,
            ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        out.putBytes(0, src, 0, FrameDescriptor.GROUP_HEADER);
        putU16(out, FrameDescriptor.BLOCK_LENGTH_OFFSET, FrameDescriptor.FRAME_BLOCK_LENGTH + extraRoot);
        putU16(out, FrameDescriptor.VERSION_OFFSET, version);
        int to = FrameDescriptor.GROUP_HEADER;
        out.setMemory(to, extraRoot, filler);
        to += extraRoot;
        putU16(out, to + FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET, FrameDescriptor.SAMPLE_LENGTH + extraSample);
        putU16(out, to + FrameDescriptor.GROUP_COUNT_OFFSET, count);
        to += FrameDescriptor.GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            out.putBytes(to, src, FrameDescriptor.SAMPLES + i * FrameDescriptor.SAMPLE_LENGTH,
                FrameDescriptor.SAMPLE_LENGTH);
            to += FrameDescriptor.SAMPLE_LENGTH;
            out.setMemory(to, extraSample, filler);
            to += extraSample;
        }
        if (to - length != extraRoot + count * extraSample)
        {
            throw new IllegalStateException("not a frame of " + count + " samples");
        }
        return to;
    }

    static void putU16(final MutableDirectBuffer out, final int at, final int value)
    {
        out.putShort(at, (short)value, ByteOrder.LITTLE_ENDIAN);
    }
}
