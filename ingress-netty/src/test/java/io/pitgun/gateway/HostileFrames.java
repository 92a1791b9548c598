package io.pitgun.gateway;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

/**
 * Binary WebSocket messages a hostile or outdated producer might send: a valid frame (Engine_RPM 9000, Speed 120)
 * with one field changed, each with the reject reason the gateway must answer.
 */
final class HostileFrames
{
    /** One hostile message and the {@code reason} of its nack. */
    record Case(String name, String reason, byte[] bytes)
    {
    }

    static final int SEQUENCE = FrameDescriptor.HEADER_LENGTH + TelemetryFrameDecoder.sequenceEncodingOffset();
    static final int TIMESTAMP_US = FrameDescriptor.HEADER_LENGTH + TelemetryFrameDecoder.timestampUsEncodingOffset();
    static final int SECOND_SAMPLE = FrameDescriptor.SAMPLES + FrameDescriptor.SAMPLE_LENGTH;
    static final int SAMPLE_ID = TelemetryFrameDecoder.SamplesDecoder.parameterIdEncodingOffset();

    private HostileFrames()
    {
    }

    /** A valid TelemetryFrame of two samples. */
    static byte[] validFrame(final long sequence)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(out, 0, new MessageHeaderEncoder())
            .sequence(sequence)
            .timestampUs(1_700_000_000_000_000L + sequence)
            .sourceId(3)
            .lapNumber(1)
            .sector((short)0);
        encoder.sessionId().mostSigBits(0x5370_2b3e_3e56_41a2L).leastSigBits(0x8834_9169_ee5e_991eL);
        encoder.producerId().mostSigBits(0x7d16_dde5_88a6_4b47L).leastSigBits(0x8cd8_c711_601c_d61fL);
        encoder.flags().clear();
        final TelemetryFrameEncoder.SamplesEncoder samples = encoder.samplesCount(2);
        samples.next().value(9000).parameterId(1).valueType(ValueType.U16)
            .quality(io.pitgun.codecs.sbe.SignalQuality.GOOD);
        samples.next().value(Double.doubleToRawLongBits(120.0)).parameterId(3).valueType(ValueType.F32)
            .quality(io.pitgun.codecs.sbe.SignalQuality.GOOD);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return bytes;
    }

    /** Every hostile case, each once. */
    static List<Case> all()
    {
        return List.of(
            frame("header block length 0", "bad_sbe", b -> b.putShort(0, (short)0, ByteOrder.LITTLE_ENDIAN)),
            frame("header block length 8", "bad_sbe", b -> b.putShort(0, (short)8, ByteOrder.LITTLE_ENDIAN)),
            frame("header block length 53", "bad_sbe", b -> b.putShort(0,
                (short)(FrameDescriptor.FRAME_BLOCK_LENGTH - 1), ByteOrder.LITTLE_ENDIAN)),
            // Longer blocks are read at their acting length (a newer schema), but these bytes do not hold them.
            frame("header block length 80, bytes missing", "bad_sbe", b -> b.putShort(0, (short)80,
                ByteOrder.LITTLE_ENDIAN)),
            frame("group block length 0", "bad_sbe", groupBlockLength(0)),
            frame("group block length 8", "bad_sbe", groupBlockLength(8)),
            frame("group block length 80, bytes missing", "bad_sbe", groupBlockLength(80)),
            frame("quality 200", "bad_sbe", b -> b.putByte(SECOND_SAMPLE + FrameDescriptor.SAMPLE_QUALITY,
                (byte)200)),
            frame("unknown value type", "bad_sbe", b -> b.putByte(FrameDescriptor.SAMPLES +
                FrameDescriptor.SAMPLE_VALUE_TYPE, (byte)10)),
            frame("sequence 2^64-1", "sbe_contract", b -> b.putLong(SEQUENCE, -1L, ByteOrder.LITTLE_ENDIAN)),
            frame("timestamp -1", "sbe_contract", b -> b.putLong(TIMESTAMP_US, -1L, ByteOrder.LITTLE_ENDIAN)),
            frame("duplicate channels", "sbe_dictionary", b -> b.putShort(SECOND_SAMPLE + SAMPLE_ID, (short)1,
                ByteOrder.LITTLE_ENDIAN)),
            new Case("invalid UTF-8 label", "bad_sbe", sessionStart(new byte[] { 'Q', (byte)0xC3, (byte)0x28 })));
    }

    /**
     * {@code frame} as a newer schema (version 2) writes it: {@code extraRoot} bytes appended to the root block
     * and {@code extraSample} to each sample, their block lengths saying so, the fields this build knows unchanged.
     */
    static byte[] grown(final byte[] frame, final int extraRoot, final int extraSample)
    {
        final UnsafeBuffer in = new UnsafeBuffer(frame);
        final int count = in.getShort(FrameDescriptor.GROUP_HEADER + FrameDescriptor.GROUP_COUNT_OFFSET,
            ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[frame.length + extraRoot + count * extraSample]);
        out.putBytes(0, in, 0, FrameDescriptor.GROUP_HEADER);
        out.putShort(FrameDescriptor.BLOCK_LENGTH_OFFSET, (short)(FrameDescriptor.FRAME_BLOCK_LENGTH + extraRoot),
            ByteOrder.LITTLE_ENDIAN);
        out.putShort(FrameDescriptor.VERSION_OFFSET, (short)2, ByteOrder.LITTLE_ENDIAN);
        out.setMemory(FrameDescriptor.GROUP_HEADER, extraRoot, (byte)0x5A);
        final int group = FrameDescriptor.GROUP_HEADER + extraRoot;
        out.putShort(group + FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET,
            (short)(FrameDescriptor.SAMPLE_LENGTH + extraSample), ByteOrder.LITTLE_ENDIAN);
        out.putShort(group + FrameDescriptor.GROUP_COUNT_OFFSET, (short)count, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++)
        {
            final int to = group + FrameDescriptor.GROUP_HEADER_LENGTH +
                i * (FrameDescriptor.SAMPLE_LENGTH + extraSample);
            out.putBytes(to, in, FrameDescriptor.SAMPLES + i * FrameDescriptor.SAMPLE_LENGTH,
                FrameDescriptor.SAMPLE_LENGTH);
            out.setMemory(to + FrameDescriptor.SAMPLE_LENGTH, extraSample, (byte)0xA5);
        }
        return out.byteArray();
    }

    static byte[] sessionStart(final byte[] label)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final SessionStartEncoder encoder = new SessionStartEncoder()
            .wrapAndApplyHeader(out, 0, new MessageHeaderEncoder())
            .timestampUs(1_700_000_000_000_000L)
            .sourceId(3);
        encoder.sessionId().mostSigBits(1).leastSigBits(2);
        encoder.producerId().mostSigBits(3).leastSigBits(4);
        encoder.putLabel(label, 0, label.length);
        final byte[] bytes = new byte[MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        out.getBytes(0, bytes);
        return bytes;
    }

    private static Consumer<UnsafeBuffer> groupBlockLength(final int blockLength)
    {
        return b -> b.putShort(FrameDescriptor.GROUP_HEADER, (short)blockLength, ByteOrder.LITTLE_ENDIAN);
    }

    private static Case frame(final String name, final String reason, final Consumer<UnsafeBuffer> change)
    {
        final byte[] bytes = validFrame(1);
        change.accept(new UnsafeBuffer(bytes));
        return new Case(name, reason, bytes);
    }
}
