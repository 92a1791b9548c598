package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What the decoder's per-sample fast path needs to know about one dictionary channel, gathered in one object so
 * that a sample costs one array load and field reads, not a lookup per property.
 */
final class DecoderChannel
{
    /** A double channel. */
    static final byte KIND_F64 = 0;
    /** A float channel: the value is rounded to float. */
    static final byte KIND_F32 = 1;
    /** An integer channel of any width. */
    static final byte KIND_INTEGER = 2;
    /** Booleans and restricted channels: always checked by the general path. */
    static final byte KIND_OTHER = 3;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    final int id;
    final DataType dataType;
    final boolean restricted;
    final byte kind;
    final double min;
    final double max;
    /** The range's whole numbers, which an integer channel's value is compared with (exactly, as a long). */
    final long minWhole;
    final long maxWhole;
    /** parameterId (u16), valueType (u8) and quality GOOD (u8): the little-endian int they form in a sample. */
    final int sampleHeader;
    final byte[] name;
    /** The name as little-endian words: whole words, then the last 8 bytes (or the name, masked, when shorter). */
    final long[] nameWords;

    private DecoderChannel(final ParameterDefinition definition)
    {
        id = definition.id();
        dataType = definition.dataType();
        restricted = definition.access() == AccessLevel.RESTRICTED;
        kind = restricted || dataType == DataType.BOOL ? KIND_OTHER :
            dataType == DataType.F64 ? KIND_F64 : dataType == DataType.F32 ? KIND_F32 : KIND_INTEGER;
        min = definition.min();
        max = definition.max();
        minWhole = definition.minWhole();
        maxWhole = definition.maxWhole();
        sampleHeader = id | (dataType.valueType().value() & 0xFF) << 16 | (SignalQuality.GOOD.value() & 0xFF) << 24;
        name = definition.name().getBytes(StandardCharsets.US_ASCII);
        nameWords = words(name);
    }

    /** Every channel of the registry, indexed by id (null where no channel has that id). */
    static DecoderChannel[] table(final ParameterRegistry registry)
    {
        if (TelemetryFrameEncoder.SamplesEncoder.valueTypeEncodingOffset() !=
            TelemetryFrameEncoder.SamplesEncoder.parameterIdEncodingOffset() + 2 ||
            TelemetryFrameEncoder.SamplesEncoder.qualityEncodingOffset() !=
            TelemetryFrameEncoder.SamplesEncoder.parameterIdEncodingOffset() + 3)
        {
            throw new IllegalStateException("sample layout changed: parameterId, valueType, quality must be adjacent");
        }
        final DecoderChannel[] channels = new DecoderChannel[registry.maxId() + 1];
        for (final ParameterDefinition definition : registry.parameters())
        {
            channels[definition.id()] = new DecoderChannel(definition);
        }
        return channels;
    }

    /** True when {@code json[at, at + name.length)} is this channel's name; the caller has checked the bounds. */
    boolean nameAt(final byte[] json, final int at)
    {
        final int length = name.length;
        if (length < 8)
        {
            if (at + 8 > json.length)
            {
                return java.util.Arrays.equals(json, at, at + length, name, 0, length);
            }
            return ((long)LONG_LE.get(json, at) & ((1L << (length << 3)) - 1)) == nameWords[0];
        }
        final int full = length >>> 3;
        for (int i = 0; i < full; i++)
        {
            if ((long)LONG_LE.get(json, at + (i << 3)) != nameWords[i])
            {
                return false;
            }
        }
        return (length & 7) == 0 || (long)LONG_LE.get(json, at + length - 8) == nameWords[full];
    }

    private static long[] words(final byte[] name)
    {
        if (name.length < 8)
        {
            long word = 0;
            for (int i = 0; i < name.length; i++)
            {
                word |= (name[i] & 0xFFL) << (i << 3);
            }
            return new long[] { word };
        }
        final int full = name.length >>> 3;
        final long[] words = new long[full + 1];
        for (int i = 0; i < full; i++)
        {
            words[i] = (long)LONG_LE.get(name, i << 3);
        }
        words[full] = (long)LONG_LE.get(name, name.length - 8);
        return words;
    }
}
