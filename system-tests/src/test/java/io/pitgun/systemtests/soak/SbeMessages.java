package io.pitgun.systemtests.soak;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodedEnvelope;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SBE binary WebSocket messages for the soak, encoded from envelopes by the codecs module's own envelope decoder (so
 * they are exactly what the gateway accepts), and the ways a hostile client breaks them. One per thread.
 */
public final class SbeMessages
{
    /** An encoded envelope: its bytes and where each SBE message starts. */
    public record Encoded(byte[] bytes, int[] messageOffsets)
    {
        /** Bytes from message {@code index} to the end. */
        public int lengthFrom(final int index)
        {
            return bytes.length - messageOffsets[index];
        }
    }

    private final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);

    /** Encodes one envelope (any event type) as back-to-back SBE messages. */
    public Encoded encode(final String envelope)
    {
        final byte[] json = envelope.getBytes(StandardCharsets.UTF_8);
        if (!decoder.decode(json, 0, json.length, out, 0))
        {
            throw new IllegalArgumentException("not a valid envelope: " + decoder.error() + " " + envelope);
        }
        final DecodedEnvelope result = decoder.result();
        final int[] offsets = new int[result.messageCount()];
        for (int i = 0; i < offsets.length; i++)
        {
            offsets[i] = result.messageOffset(i);
        }
        final byte[] bytes = Arrays.copyOf(out.byteArray(), result.encodedLength());
        return new Encoded(bytes, offsets);
    }

    /** A TelemetryFrame whose header names a block length shorter than the fixed block. */
    public static byte[] wrongBlockLength(final Encoded frame)
    {
        final byte[] bytes = frame.bytes().clone();
        putUint16(bytes, 0, 10);
        return bytes;
    }

    /** A TelemetryFrame whose first sample's {@code valueType} enum holds a value the schema does not define. */
    public static byte[] outOfRangeEnum(final Encoded frame)
    {
        final byte[] bytes = frame.bytes().clone();
        final int firstSample = MessageHeaderEncoder.ENCODED_LENGTH + TelemetryFrameEncoder.BLOCK_LENGTH +
            TelemetryFrameEncoder.SamplesEncoder.HEADER_SIZE;
        bytes[firstSample + TelemetryFrameEncoder.SamplesEncoder.valueTypeEncodingOffset()] = (byte)200;
        return bytes;
    }

    /** A TelemetryFrame cut off in its samples. */
    public static byte[] truncated(final Encoded frame)
    {
        return Arrays.copyOf(frame.bytes(), frame.bytes().length - 5);
    }

    /** A header naming a template the schema does not have. */
    public static byte[] unknownTemplate(final Encoded frame)
    {
        final byte[] bytes = frame.bytes().clone();
        putUint16(bytes, 2, 999);
        return bytes;
    }

    /** A samples group claiming more entries than the message holds. */
    public static byte[] overlongGroup(final Encoded frame)
    {
        final byte[] bytes = frame.bytes().clone();
        final int groupHeader = MessageHeaderEncoder.ENCODED_LENGTH + TelemetryFrameEncoder.BLOCK_LENGTH;
        putUint16(bytes, groupHeader + 2, 60_000);
        return bytes;
    }

    private static void putUint16(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >>> 8);
    }
}
