package io.pitgun.codecs.json;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes SBE {@code TelemetryFrame}s as JSON: a frame object shaped like an envelope's {@code payload.frames[]}
 * item, optionally inside a whole {@code pitgun-envelope-v1} document. Used by journal dumps and live
 * subscribers; what it writes the {@link io.pitgun.codecs.envelope.EnvelopeDecoder} reads back to the same SBE
 * bytes.
 * <p>
 * Integers, booleans and names are written without allocating; floating-point values go through
 * {@link Double#toString}/{@link Float#toString} (shortest text that reads back to the same bits), and a value
 * JSON cannot hold (NaN, infinities, only possible in derived frames) is written as {@code null}. The output
 * buffer must be able to grow (an {@code ExpandableArrayBuffer} or {@code ExpandableDirectByteBuffer}) or be
 * large enough. Not thread-safe.
 */
public final class FrameJsonEncoder
{
    /** Names channels that are not in the dictionary (manifest-derived ones). */
    @FunctionalInterface
    public interface ChannelNames
    {
        /** The name of {@code parameterId}, or {@code null} if unknown. */
        String nameOf(int parameterId);
    }

    /** Which channels an output may show (the others are left out of it, silently: that is the output's policy). */
    @FunctionalInterface
    public interface ChannelFilter
    {
        /** Every channel shown. */
        ChannelFilter ALL = parameterId -> true;

        /** Whether {@code parameterId} is written. */
        boolean shows(int parameterId);
    }

    private static final byte[] SEQUENCE = ascii("{\"sequence\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp_us\":");
    private static final byte[] LAP = ascii(",\"lap_number\":");
    private static final byte[] SECTOR = ascii(",\"sector\":");
    private static final byte[] SAMPLES = ascii(",\"samples\":{");
    private static final byte[] SESSION = ascii(",\"session_id\":\"");
    private static final byte[] PLAYER = ascii("\",\"player_id\":\"");
    private static final byte[] SOURCE = ascii("\",\"source_id\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private final ParameterRegistry registry;
    private final ChannelNames derivedNames;
    private final ChannelFilter filter;
    /** Of the channels written, those whose presence makes a frame worth sending ({@link #showsAnySample}). */
    private final ChannelFilter marks;
    private final byte[][] quotedNameById;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TelemetryFrameDecoder frameDecoder = new TelemetryFrameDecoder();

    /** An encoder for frames whose channels are all in {@code registry}. */
    public FrameJsonEncoder(final ParameterRegistry registry)
    {
        this(registry, id -> null);
    }

    /** An encoder that also names channels outside the dictionary (e.g. derived by a manifest). */
    public FrameJsonEncoder(final ParameterRegistry registry, final ChannelNames derivedNames)
    {
        this(registry, derivedNames, ChannelFilter.ALL);
    }

    /**
     * An encoder that writes only the channels {@code filter} shows: what a subscriber may not read (internal or
     * restricted channels, and channels derived from them) is left out of its frames.
     */
    public FrameJsonEncoder(final ParameterRegistry registry, final ChannelNames derivedNames,
        final ChannelFilter filter)
    {
        this(registry, derivedNames, filter, filter);
    }

    /**
     * An encoder that writes only the channels {@code filter} shows and counts, for {@link #showsAnySample}, only
     * those of them {@code marks} shows as well: a channel present in every frame (a derived constant, or the last
     * value of a channel) makes no frame worth sending by itself.
     */
    public FrameJsonEncoder(final ParameterRegistry registry, final ChannelNames derivedNames,
        final ChannelFilter filter, final ChannelFilter marks)
    {
        this.registry = registry;
        this.derivedNames = derivedNames;
        this.filter = filter;
        this.marks = marks;
        this.quotedNameById = new byte[65_536][];
    }

    /**
     * Writes the frame at {@code frameOffset} (its SBE message header) as a JSON frame object.
     *
     * @param withIdentifiers also write {@code session_id}, {@code player_id} and {@code source_id} (for dumps,
     *                        where frames of many sessions are mixed; an envelope frame has none of them).
     * @return the position after the last byte written.
     */
    public int encodeFrame(
        final DirectBuffer sbe, final int frameOffset, final MutableDirectBuffer out, final int outOffset,
        final boolean withIdentifiers)
    {
        wrap(sbe, frameOffset);
        int p = outOffset;
        p = put(out, p, SEQUENCE);
        p = putUnsigned(out, p, frameDecoder.sequence());
        p = put(out, p, TIMESTAMP);
        p += out.putLongAscii(p, frameDecoder.timestampUs());
        if (frameDecoder.lapNumber() != TelemetryFrameDecoder.lapNumberNullValue())
        {
            p = put(out, p, LAP);
            p += out.putIntAscii(p, frameDecoder.lapNumber());
        }
        if (frameDecoder.sector() != TelemetryFrameDecoder.sectorNullValue())
        {
            p = put(out, p, SECTOR);
            p += out.putIntAscii(p, frameDecoder.sector());
        }
        if (withIdentifiers)
        {
            p = put(out, p, SESSION);
            p = putUuid(out, p, frameDecoder.sessionId().mostSigBits(), frameDecoder.sessionId().leastSigBits());
            p = put(out, p, PLAYER);
            p = putUuid(out, p, frameDecoder.producerId().mostSigBits(), frameDecoder.producerId().leastSigBits());
            p = put(out, p, SOURCE);
            p += out.putIntAscii(p, frameDecoder.sourceId());
        }
        p = put(out, p, SAMPLES);
        boolean first = true;
        for (final TelemetryFrameDecoder.SamplesDecoder sample : frameDecoder.samples())
        {
            if (!filter.shows(sample.parameterId()))
            {
                continue;
            }
            if (!first)
            {
                out.putByte(p++, (byte)',');
            }
            first = false;
            p = put(out, p, quotedName(sample.parameterId()));
            p = putValue(out, p, sample.valueType(), sample.value());
        }
        out.putByte(p++, (byte)'}');
        out.putByte(p++, (byte)'}');
        return p;
    }

    /**
     * Whether the frame at {@code frameOffset} has a sample this encoder writes (of those its marks filter shows). A
     * frame whose every sample is left out would still tell that such a frame came, and when: an output that must not
     * tell withholds it instead of writing it with empty {@code samples}, or with only channels present in every
     * frame. With a filter, a frame without samples is not shown either: a manifest's whitelist or blacklist may have
     * emptied it of the channels it came with, which the frame no longer says. Without a filter every frame is shown.
     * The filters are asked once per sample, as {@link #encodeFrame} asks the first again for the frames shown.
     */
    public boolean showsAnySample(final DirectBuffer sbe, final int frameOffset)
    {
        if (filter == ChannelFilter.ALL)
        {
            return true;
        }
        wrap(sbe, frameOffset);
        for (final TelemetryFrameDecoder.SamplesDecoder sample : frameDecoder.samples())
        {
            if (marks.shows(sample.parameterId()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes a whole {@code telemetry.sample_batch} envelope holding the given frames, which must share one
     * session, producer and source (taken from the first). Cold path (it allocates the id strings).
     *
     * @return the position after the last byte written.
     */
    public int encodeEnvelope(
        final UUID eventId, final String ts, final DirectBuffer sbe, final int[] frameOffsets, final int frameCount,
        final MutableDirectBuffer out, final int outOffset)
    {
        wrap(sbe, frameOffsets[0]);
        final UUID session = new UUID(frameDecoder.sessionId().mostSigBits(), frameDecoder.sessionId().leastSigBits());
        final UUID player = new UUID(frameDecoder.producerId().mostSigBits(), frameDecoder.producerId().leastSigBits());
        final int source = frameDecoder.sourceId();
        int p = outOffset;
        p = put(out, p, ascii("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + eventId +
            "\",\"ts\":\"" + ts + "\",\"player_id\":\"" + player + "\",\"session_id\":\"" + session +
            "\",\"source_id\":" + source + ",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":["));
        for (int i = 0; i < frameCount; i++)
        {
            if (i > 0)
            {
                out.putByte(p++, (byte)',');
            }
            p = encodeFrame(sbe, frameOffsets[i], out, p, false);
        }
        return put(out, p, ascii("]}}"));
    }

    private void wrap(final DirectBuffer sbe, final int frameOffset)
    {
        headerDecoder.wrap(sbe, frameOffset);
        if (headerDecoder.templateId() != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            throw new IllegalArgumentException("not a TelemetryFrame at offset " + frameOffset + ": template id " +
                headerDecoder.templateId());
        }
        frameDecoder.wrap(sbe, frameOffset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
    }

    private int putValue(final MutableDirectBuffer out, final int at, final ValueType type, final long bits)
    {
        switch (type)
        {
            case BOOL:
                return put(out, at, bits != 0 ? TRUE : FALSE);
            case F64:
            {
                final double value = Double.longBitsToDouble(bits);
                return Double.isFinite(value) ? putAscii(out, at, Double.toString(value)) : put(out, at, NULL);
            }
            case F32:
            {
                final double value = Double.longBitsToDouble(bits);
                return Double.isFinite(value) ? putAscii(out, at, Float.toString((float)value)) : put(out, at, NULL);
            }
            case U8:
            case U16:
            case U32:
            case I8:
            case I16:
            case I32:
            case I64:
                return at + out.putLongAscii(at, bits);
            default:
                return put(out, at, NULL);
        }
    }

    private byte[] quotedName(final int parameterId)
    {
        byte[] quoted = quotedNameById[parameterId];
        if (quoted == null)
        {
            final ParameterDefinition definition = registry.byId(parameterId);
            String name = definition != null ? definition.name() : derivedNames.nameOf(parameterId);
            if (name == null)
            {
                name = "param_" + parameterId;
            }
            quoted = ascii("\"" + name + "\":");
            quotedNameById[parameterId] = quoted;
        }
        return quoted;
    }

    private static int putUuid(final MutableDirectBuffer out, final int at, final long msb, final long lsb)
    {
        int p = at;
        p = putHex(out, p, msb >>> 32, 8);
        out.putByte(p++, (byte)'-');
        p = putHex(out, p, msb >>> 16, 4);
        out.putByte(p++, (byte)'-');
        p = putHex(out, p, msb, 4);
        out.putByte(p++, (byte)'-');
        p = putHex(out, p, lsb >>> 48, 4);
        out.putByte(p++, (byte)'-');
        return putHex(out, p, lsb, 12);
    }

    private static int putHex(final MutableDirectBuffer out, final int at, final long value, final int digits)
    {
        for (int i = 0; i < digits; i++)
        {
            out.putByte(at + i, HEX[(int)(value >>> ((digits - 1 - i) * 4)) & 0xF]);
        }
        return at + digits;
    }

    /**
     * Writes {@code value} as the unsigned decimal it is in the schema ({@code sequence} is a uint64; the CSV and
     * Parquet exports write it unsigned too), without allocating: values of 2^63 and above are negative longs.
     *
     * @return the position after the last digit.
     */
    static int putUnsigned(final MutableDirectBuffer out, final int at, final long value)
    {
        if (value >= 0)
        {
            return at + out.putLongAscii(at, value);
        }
        final int end = at + out.putLongAscii(at, Long.divideUnsigned(value, 10));
        out.putByte(end, (byte)('0' + Long.remainderUnsigned(value, 10)));
        return end + 1;
    }

    private static int put(final MutableDirectBuffer out, final int at, final byte[] bytes)
    {
        out.putBytes(at, bytes);
        return at + bytes.length;
    }

    private static int putAscii(final MutableDirectBuffer out, final int at, final String text)
    {
        return at + out.putStringWithoutLengthAscii(at, text);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

}
