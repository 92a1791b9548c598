package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ChannelNameIndex;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionEndEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;

import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the JSON bytes of one {@code pitgun-envelope/v1} document, validates it against the contract and the
 * dictionary, and writes one SBE message per payload frame (or one session marker) into a caller-provided buffer.
 * <pre>
 *   JSON bytes ──scan once──▶ field checks (schema) ──▶ channel lookup, type and range (dictionary)
 *                                                    ──▶ SBE TelemetryFrame per frame, in the output buffer
 * </pre>
 * <ul>
 *   <li><b>Zero allocation on success</b> after the first call: the input is scanned in place, names are hashed
 *   while read and looked up in an open-addressing index, numbers are converted without strings (Clinger's fast
 *   path; the rare number outside it falls back to {@link Double#parseDouble}).</li>
 *   <li><b>All or nothing</b>: the messages are only valid when {@link #decode} returns true. JSON objects are
 *   unordered, so the envelope's identifiers may follow the payload: they are patched into the frames at the
 *   end.</li>
 *   <li><b>Agrees with the schema</b>: the checks are the {@code pitgun-envelope/v1} schema's (a test runs both
 *   over one corpus). The decoder is stricter in two places the schema cannot see: duplicate keys in an object
 *   and unpaired surrogate escapes are refused.</li>
 *   <li><b>First problem wins</b>, except that a document that is not well-formed JSON (or nests too deep) is
 *   always reported as such.</li>
 * </ul>
 * Not thread-safe: one decoder per thread (the registry it reads is shared).
 */
public final class EnvelopeDecoder
{
    // values() clones its array on every call: keep one copy for the hot path.
    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final EnvelopeEventType[] EVENT_TYPES = EnvelopeEventType.values();
    private static final byte[] SCHEMA_VERSION_VALUE = JsonCursor.ascii("pitgun-envelope-v1");

    private static final int F_SCHEMA_VERSION = 0;
    private static final int F_EVENT_ID = 1;
    private static final int F_TS = 2;
    private static final int F_PLAYER_ID = 3;
    private static final int F_SESSION_ID = 4;
    private static final int F_SOURCE_ID = 5;
    private static final int F_EVENT_TYPE = 6;
    private static final int F_PAYLOAD = 7;
    private static final String[] ENVELOPE_FIELDS =
        { "schema_version", "event_id", "ts", "player_id", "session_id", "source_id", "event_type", "payload" };
    private static final int REQUIRED_ENVELOPE_FIELDS = 0b1101_1111;
    private static final int IDENTIFIER_FIELDS = 1 << F_PLAYER_ID | 1 << F_SESSION_ID;

    private static final int P_FRAMES = 0;
    private static final int P_TIMESTAMP_US = 1;
    private static final int P_LABEL = 2;
    private static final String[] PAYLOAD_FIELDS = { "frames", "timestamp_us", "label" };

    private static final int FR_SEQUENCE = 0;
    private static final int FR_TIMESTAMP_US = 1;
    private static final int FR_LAP_NUMBER = 2;
    private static final int FR_SECTOR = 3;
    private static final int FR_SAMPLES = 4;
    private static final String[] FRAME_FIELDS = { "sequence", "timestamp_us", "lap_number", "sector", "samples" };
    private static final int REQUIRED_FRAME_FIELDS = 0b1_0011;

    private static final int MAX_LAP_NUMBER = 65_534;
    private static final int MAX_SECTOR = 254;
    private static final int MAX_SOURCE_ID = 65_535;
    /** 2^53 - 1: sequence numbers and timestamps stay exact in JavaScript producers (the schema's bound). */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    /** Longest session label in characters (code points), the schema's bound; every way in checks it. */
    public static final int MAX_LABEL_CODE_POINTS = 128;

    // The frame is written at FrameDescriptor's offsets; these two name the sizes the writer advances by.
    private static final int FRAME_HEADER_BYTES = FrameDescriptor.SAMPLES;
    private static final int SAMPLE_BYTES = FrameDescriptor.SAMPLE_LENGTH;
    private static final long FRAME_MESSAGE_HEADER = frameMessageHeader();
    private static final double[] POWERS_OF_TEN = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
    private static final long[] LONG_POWERS_OF_TEN = { 1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
        10_000_000L, 100_000_000L };


    private final ParameterRegistry registry;
    private final ChannelNameIndex nameIndex;
    private final DecoderLimits limits;
    private final JsonCursor cursor;
    private final JsonPath path;
    private final JsonSyntaxChecker syntaxChecker;
    private final DecodeError error = new DecodeError();
    private final DecodedEnvelope result;

    private final byte[][] envelopeFieldNames = asciiAll(ENVELOPE_FIELDS);
    private final byte[][] payloadFieldNames = asciiAll(PAYLOAD_FIELDS);
    private final byte[][] frameFieldNames = asciiAll(FRAME_FIELDS);
    private static final byte[][] FRAME_KEYS = quotedKeys(FRAME_FIELDS);
    private final long[][] frameKeyWords = quotedKeyWords(FRAME_KEYS);
    private final int[] predictedFrameFields = { -1, -1, -1, -1, -1 };

    private final UuidText eventId = new UuidText();
    private final UuidText sessionId = new UuidText();
    private final UuidText producerId = new UuidText();
    private final UuidText uuidScratch = new UuidText();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TelemetryFrameEncoder frameEncoder = new TelemetryFrameEncoder();
    private final SessionStartEncoder sessionStartEncoder = new SessionStartEncoder();
    private final SessionEndEncoder sessionEndEncoder = new SessionEndEncoder();

    // Per frame: the header fields are held until the object closes; samples are written as they are read.
    private int sampleCount;
    private long frameSequence;
    private long frameTimestampUs;
    private int frameLapNumber;
    private int frameSector;

    // Every dictionary channel by id, and the channel seen at each sample position of the previous frame.
    private final DecoderChannel[] channels;
    private final DecoderChannel[] predicted;

    // Duplicate channels in a frame: a stamp per channel id instead of clearing a set for every frame.
    private final int[] channelStamp;
    private int frameStamp;

    private final UnsafeBuffer label = new UnsafeBuffer(new byte[MAX_LABEL_CODE_POINTS * 4]);
    private int labelLength;
    private long markerTimestampUs;
    private int payloadFields;
    private final int[] payloadFieldKeys = new int[PAYLOAD_FIELDS.length];
    private int payloadStart;

    private int payloadKeyPosition;
    private boolean identifiersInline;
    private boolean sourceIdAfterPayload;
    private EnvelopeEventType eventType;
    private int sourceId;
    private boolean allowRestricted;

    private byte[] input;
    private byte[] offHeapCopy;
    private int inputOffset;
    private int inputLength;
    private MutableDirectBuffer output;
    private int outputPosition;
    private int outputEnd;

    /**
     * @param registry the dictionary channels are resolved against.
     * @param limits   size bounds; {@link DecoderLimits#DEFAULTS} match the schema.
     */
    public EnvelopeDecoder(final ParameterRegistry registry, final DecoderLimits limits)
    {
        this.registry = registry;
        this.nameIndex = registry.nameIndex();
        this.limits = limits;
        this.cursor = new JsonCursor(limits.maxStringBytes());
        this.path = new JsonPath(limits.maxDepth());
        this.syntaxChecker = new JsonSyntaxChecker(limits.maxEnvelopeBytes(), limits.maxDepth());
        this.result = new DecodedEnvelope(limits.maxFrames());
        this.channelStamp = new int[registry.maxId() + 1];
        this.channels = DecoderChannel.table(registry);
        this.predicted = new DecoderChannel[limits.maxSamplesPerFrame()];
    }

    /** A decoder with {@link DecoderLimits#DEFAULTS}. */
    public EnvelopeDecoder(final ParameterRegistry registry)
    {
        this(registry, DecoderLimits.DEFAULTS);
    }

    /** Whether the next envelopes may carry {@link AccessLevel#RESTRICTED} channels (off by default). */
    public EnvelopeDecoder allowRestricted(final boolean allowed)
    {
        this.allowRestricted = allowed;
        return this;
    }

    /** Bytes the output needs for {@code frames} frames of {@code samplesPerFrame} samples each. */
    public static int requiredOutputBytes(final int frames, final int samplesPerFrame)
    {
        return frames * (FRAME_HEADER_BYTES + samplesPerFrame * SAMPLE_BYTES);
    }

    /** The most bytes any envelope within {@code limits} can need in the output buffer. */
    public static int maxOutputBytes(final DecoderLimits limits)
    {
        return requiredOutputBytes(limits.maxFrames(), limits.maxSamplesPerFrame());
    }

    /** Details of the last success. */
    public DecodedEnvelope result()
    {
        return result;
    }

    /** Details of the last failure. */
    public DecodeError error()
    {
        return error;
    }

    /**
     * Decodes one envelope.
     *
     * @param json         buffer holding the envelope's UTF-8 JSON.
     * @param offset       where the envelope starts in {@code json}.
     * @param length       its length in bytes.
     * @param out          where the SBE messages are written, contiguously.
     * @param outOffset    where to start writing in {@code out}.
     * @return true with {@link #result()} describing the messages, or false with {@link #error()} saying why;
     *         on false the bytes written to {@code out} are meaningless.
     */
    public boolean decode(
        final DirectBuffer json, final int offset, final int length, final MutableDirectBuffer out, final int outOffset)
    {
        final byte[] array = json.byteArray();
        if (array != null)
        {
            return decode(array, json.wrapAdjustment() + offset, length, out, outOffset);
        }
        // Off-heap input: one bulk copy lets the scanner run over a byte[], which is what makes it fast.
        if (length > limits.maxEnvelopeBytes())
        {
            return decode(EMPTY, 0, length, out, outOffset);
        }
        if (offHeapCopy == null)
        {
            offHeapCopy = new byte[limits.maxEnvelopeBytes()];
        }
        json.getBytes(offset, offHeapCopy, 0, length);
        return decode(offHeapCopy, 0, length, out, outOffset);
    }

    /**
     * Decodes one envelope held in a byte array; see {@link #decode(DirectBuffer, int, int, MutableDirectBuffer, int)}.
     */
    public boolean decode(
        final byte[] json, final int offset, final int length, final MutableDirectBuffer out, final int outOffset)
    {
        input = json;
        inputOffset = offset;
        inputLength = length;
        output = out;
        outputPosition = outOffset;
        outputEnd = out.capacity();
        error.clear();
        result.clear();
        path.clear();
        eventType = null;
        sourceId = 0;
        payloadFields = 0;
        labelLength = 0;
        identifiersInline = false;
        sourceIdAfterPayload = false;

        if (length > limits.maxEnvelopeBytes())
        {
            error.set(DecodeErrorCode.LIMIT_EXCEEDED, "", 0,
                "envelope is " + length + " bytes; the limit is " + limits.maxEnvelopeBytes());
            return false;
        }
        cursor.wrap(json, offset, length);
        if (!envelope())
        {
            return reportSyntaxFirst();
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------- envelope

    private boolean envelope()
    {
        cursor.skipWhitespace();
        if (cursor.peek() != '{')
        {
            return contract(DecodeErrorCode.WRONG_TYPE, cursor.pos, "an envelope must be a JSON object");
        }
        final int objectStart = cursor.pos;
        cursor.pos++;
        int seen = 0;
        if (!isEmptyObject())
        {
            do
            {
                cursor.skipWhitespace();
                final int keyStart = cursor.pos;
                if (!key())
                {
                    return false;
                }
                final int field = match(envelopeFieldNames);
                path.pushKey(keyStart);
                if (field < 0)
                {
                    return contract(DecodeErrorCode.UNEXPECTED_FIELD, keyStart, "field '" + cursor.stringValue() +
                        "' is not part of pitgun-envelope-v1 (allowed: " + String.join(", ", ENVELOPE_FIELDS) + ")");
                }
                if ((seen & 1 << field) != 0)
                {
                    return contract(DecodeErrorCode.DUPLICATE_FIELD, keyStart, "field '" + ENVELOPE_FIELDS[field] +
                        "' appears twice");
                }
                seen |= 1 << field;
                if (field == F_PAYLOAD)
                {
                    payloadKeyPosition = keyStart;
                    // Usually the identifiers come first: then frames get them as they are encoded, not patched.
                    identifiersInline = (seen & IDENTIFIER_FIELDS) == IDENTIFIER_FIELDS;
                }
                else if (field == F_SOURCE_ID && (seen & 1 << F_PAYLOAD) != 0)
                {
                    sourceIdAfterPayload = true;
                }
                cursor.skipWhitespace();
                if (!envelopeField(field))
                {
                    return false;
                }
                path.pop();
            }
            while (nextMember());
            if (cursor.problem() != null)
            {
                return false;
            }
        }
        cursor.skipWhitespace();
        if (!cursor.atEnd())
        {
            return cursor.fail(cursor.pos, "unexpected " + cursor.describe(cursor.pos) + " after the envelope");
        }
        if ((seen & REQUIRED_ENVELOPE_FIELDS) != REQUIRED_ENVELOPE_FIELDS)
        {
            return contract(DecodeErrorCode.MISSING_FIELD, objectStart,
                "missing required field '" + firstMissing(seen, REQUIRED_ENVELOPE_FIELDS, ENVELOPE_FIELDS) + "'");
        }
        return payloadMatchesEventType() && finish();
    }

    private boolean envelopeField(final int field)
    {
        switch (field)
        {
            case F_SCHEMA_VERSION:
                if (!stringValue())
                {
                    return false;
                }
                return cursor.stringEquals(SCHEMA_VERSION_VALUE) || contract(DecodeErrorCode.INVALID_VALUE,
                    valueStart, "schema_version must be \"pitgun-envelope-v1\", was \"" + cursor.stringValue() + "\"");
            case F_EVENT_ID:
                return uuid(eventId, "event_id");
            case F_PLAYER_ID:
                return uuid(producerId, "player_id");
            case F_SESSION_ID:
                return uuid(sessionId, "session_id");
            case F_TS:
                if (!stringValue())
                {
                    return false;
                }
                return Rfc3339Timestamp.isValid(cursor.stringArray(), cursor.stringOffset(), cursor.stringLength()) ||
                    contract(DecodeErrorCode.BAD_TIMESTAMP, valueStart, "ts must be an RFC 3339 date-time such as " +
                    "2026-04-11T12:43:44.279Z, was \"" + cursor.stringValue() + "\"");
            case F_SOURCE_ID:
                if (!integer("source_id", 0, MAX_SOURCE_ID))
                {
                    return false;
                }
                sourceId = (int)integerValue;
                return true;
            case F_EVENT_TYPE:
                if (!stringValue())
                {
                    return false;
                }
                for (final EnvelopeEventType type : EVENT_TYPES)
                {
                    if (cursor.stringEquals(type.wireBytes()))
                    {
                        eventType = type;
                        return true;
                    }
                }
                return contract(DecodeErrorCode.INVALID_VALUE, valueStart, "event_type \"" + cursor.stringValue() +
                    "\" is not one of telemetry.sample_batch, session.start, session.end");
            case F_PAYLOAD:
                return payload();
            default:
                throw new IllegalStateException("unreachable field " + field);
        }
    }

    private boolean uuid(final UuidText target, final String field)
    {
        if (!stringValue())
        {
            return false;
        }
        if (!uuidScratch.parse(cursor.stringArray(), cursor.stringOffset(), cursor.stringLength()))
        {
            return contract(DecodeErrorCode.BAD_UUID, valueStart, field +
                " must be a UUID (8-4-4-4-12 hexadecimal digits), was \"" + cursor.stringValue() + "\"");
        }
        target.mostSigBits = uuidScratch.mostSigBits;
        target.leastSigBits = uuidScratch.leastSigBits;
        return true;
    }

    // -------------------------------------------------------------------------------------------------- payload

    // The payload's shape depends on event_type, which may come after it: accept the union of both shapes here
    // and check that the fields present fit the event type once the whole envelope has been read.
    private boolean payload()
    {
        if (cursor.peek() != '{')
        {
            return wrongType("payload must be an object");
        }
        payloadStart = cursor.pos;
        cursor.pos++;
        if (isEmptyObject())
        {
            return true;
        }
        do
        {
            cursor.skipWhitespace();
            final int keyStart = cursor.pos;
            if (!key())
            {
                return false;
            }
            final int field = match(payloadFieldNames);
            path.pushKey(keyStart);
            if (field < 0)
            {
                return contract(DecodeErrorCode.UNEXPECTED_FIELD, keyStart, "field '" + cursor.stringValue() +
                    "' is not allowed in a payload (telemetry.sample_batch takes frames; session.start and " +
                    "session.end take timestamp_us and label)");
            }
            if ((payloadFields & 1 << field) != 0)
            {
                return contract(DecodeErrorCode.DUPLICATE_FIELD, keyStart, "field '" + PAYLOAD_FIELDS[field] +
                    "' appears twice");
            }
            payloadFields |= 1 << field;
            payloadFieldKeys[field] = keyStart;
            cursor.skipWhitespace();
            final boolean ok;
            switch (field)
            {
                case P_FRAMES:
                    ok = frames();
                    break;
                case P_TIMESTAMP_US:
                    ok = integer("timestamp_us", 0, MAX_SAFE_INTEGER);
                    markerTimestampUs = integerValue;
                    break;
                default:
                    ok = labelValue();
                    break;
            }
            if (!ok)
            {
                return false;
            }
            path.pop();
        }
        while (nextMember());
        return cursor.problem() == null;
    }

    private boolean labelValue()
    {
        if (!stringValue())
        {
            return false;
        }
        if (cursor.stringCodePoints() > MAX_LABEL_CODE_POINTS)
        {
            return contract(DecodeErrorCode.INVALID_VALUE, valueStart, "label is " + cursor.stringCodePoints() +
                " characters long; at most " + MAX_LABEL_CODE_POINTS + " are allowed");
        }
        labelLength = cursor.stringLength();
        label.putBytes(0, cursor.stringArray(), cursor.stringOffset(), labelLength);
        return true;
    }

    private boolean payloadMatchesEventType()
    {
        path.clear();
        path.pushKey(payloadKeyPosition);
        if (eventType == EnvelopeEventType.SAMPLE_BATCH)
        {
            if (!unexpectedPayloadField(P_TIMESTAMP_US, "telemetry.sample_batch") ||
                !unexpectedPayloadField(P_LABEL, "telemetry.sample_batch"))
            {
                return false;
            }
            if ((payloadFields & 1 << P_FRAMES) == 0)
            {
                return contract(DecodeErrorCode.MISSING_FIELD, payloadStart,
                    "missing required field 'frames' in a telemetry.sample_batch payload");
            }
        }
        else
        {
            if (!unexpectedPayloadField(P_FRAMES, eventType.wireName()))
            {
                return false;
            }
            if ((payloadFields & 1 << P_TIMESTAMP_US) == 0)
            {
                return contract(DecodeErrorCode.MISSING_FIELD, payloadStart,
                    "missing required field 'timestamp_us' in a " + eventType.wireName() + " payload");
            }
        }
        path.clear();
        return true;
    }

    private boolean unexpectedPayloadField(final int field, final String eventTypeName)
    {
        if ((payloadFields & 1 << field) == 0)
        {
            return true;
        }
        path.pushKey(payloadFieldKeys[field]);
        return contract(DecodeErrorCode.UNEXPECTED_FIELD, payloadFieldKeys[field], "field '" +
            PAYLOAD_FIELDS[field] + "' is not allowed in a " + eventTypeName + " payload");
    }

    // --------------------------------------------------------------------------------------------------- frames

    private boolean frames()
    {
        if (cursor.peek() != '[')
        {
            return wrongType("payload.frames must be an array of frames");
        }
        final int arrayStart = cursor.pos;
        cursor.pos++;
        cursor.skipWhitespace();
        if (cursor.peek() == ']')
        {
            cursor.pos++;
            return contract(DecodeErrorCode.INVALID_VALUE, arrayStart, "payload.frames must hold at least one frame");
        }
        int index = 0;
        while (true)
        {
            path.pushIndex(index);
            cursor.skipWhitespace();
            if (index == limits.maxFrames())
            {
                return limit(cursor.pos, "more than " + limits.maxFrames() + " frames in one envelope");
            }
            if (!frame())
            {
                return false;
            }
            path.pop();
            index++;
            cursor.skipWhitespace();
            final int b = cursor.peek();
            if (b == ',')
            {
                cursor.pos++;
            }
            else if (b == ']')
            {
                cursor.pos++;
                return true;
            }
            else
            {
                return cursor.failNoSeparator(cursor.pos, ']', " after a frame");
            }
        }
    }

    private boolean frame()
    {
        if (cursor.peek() != '{')
        {
            return wrongType("a frame must be an object");
        }
        final int objectStart = cursor.pos;
        cursor.pos++;
        sampleCount = 0;
        frameLapNumber = -1;
        frameSector = -1;
        if (++frameStamp == 0)
        {
            Arrays.fill(channelStamp, 0);
            frameStamp = 1;
        }
        int seen = 0;
        int member = 0;
        if (!isEmptyObject())
        {
            do
            {
                cursor.skipWhitespace();
                final int keyStart = cursor.pos;
                int field = member < predictedFrameFields.length ? predictedFrameFields[member] : -1;
                // Frames of a batch spell their fields in the same order: confirm `"name":` at once.
                if (field >= 0 && quotedKeyAt(keyStart, frameKeyWords[field], FRAME_KEYS[field].length))
                {
                    cursor.pos = keyStart + FRAME_KEYS[field].length;
                }
                else
                {
                    if (!key())
                    {
                        return false;
                    }
                    field = match(frameFieldNames);
                    if (member < predictedFrameFields.length)
                    {
                        predictedFrameFields[member] = field;
                    }
                }
                member++;
                path.pushKey(keyStart);
                if (field < 0)
                {
                    return contract(DecodeErrorCode.UNEXPECTED_FIELD, keyStart, "field '" + cursor.stringValue() +
                        "' is not part of a frame (allowed: " + String.join(", ", FRAME_FIELDS) + ")");
                }
                if ((seen & 1 << field) != 0)
                {
                    return contract(DecodeErrorCode.DUPLICATE_FIELD, keyStart, "field '" + FRAME_FIELDS[field] +
                        "' appears twice");
                }
                seen |= 1 << field;
                cursor.skipWhitespace();
                if (!frameField(field))
                {
                    return false;
                }
                path.pop();
            }
            while (nextMember());
            if (cursor.problem() != null)
            {
                return false;
            }
        }
        if ((seen & REQUIRED_FRAME_FIELDS) != REQUIRED_FRAME_FIELDS)
        {
            return contract(DecodeErrorCode.MISSING_FIELD, objectStart,
                "missing required field '" + firstMissing(seen, REQUIRED_FRAME_FIELDS, FRAME_FIELDS) + "' in a frame");
        }
        return encodeFrame(objectStart);
    }

    private boolean frameField(final int field)
    {
        switch (field)
        {
            case FR_SEQUENCE:
                if (!integer("sequence", 0, MAX_SAFE_INTEGER))
                {
                    return false;
                }
                frameSequence = integerValue;
                return true;
            case FR_TIMESTAMP_US:
                if (!integer("timestamp_us", 0, MAX_SAFE_INTEGER))
                {
                    return false;
                }
                frameTimestampUs = integerValue;
                return true;
            case FR_LAP_NUMBER:
                if (!integer("lap_number", 0, MAX_LAP_NUMBER))
                {
                    return false;
                }
                frameLapNumber = (int)integerValue;
                return true;
            case FR_SECTOR:
                if (!integer("sector", 0, MAX_SECTOR))
                {
                    return false;
                }
                frameSector = (int)integerValue;
                return true;
            default:
                return samples();
        }
    }

    // -------------------------------------------------------------------------------------------------- samples

    private boolean samples()
    {
        if (cursor.peek() != '{')
        {
            return wrongType("samples must be an object mapping channel names to values");
        }
        final int objectStart = cursor.pos;
        cursor.pos++;
        if (isEmptyObject())
        {
            return contract(DecodeErrorCode.INVALID_VALUE, objectStart, "samples must hold at least one channel");
        }
        // The hottest loop of the decoder (one pass per sample): the structure between values is walked with a
        // local position over the input array rather than through the cursor's fields.
        final byte[] json = input;
        final int end = inputOffset + inputLength;
        int p = cursor.pos;
        while (true)
        {
            if (p < end && json[p] != '"')
            {
                p = skipWhitespace(json, p, end);
            }
            final int keyStart = p;
            final int position = sampleCount;
            final DecoderChannel expected = position < predicted.length ? predicted[position] : null;
            int after = -1;
            // Frames of a batch list their channels in the same order: confirm the previous frame's `"name":` at
            // this position with a word compare before falling back to a scan and a hash lookup.
            if (expected != null)
            {
                final int close = p + 1 + expected.name.length;
                if (close + 1 < end && json[p] == '"' && json[close] == '"' && json[close + 1] == ':' &&
                    expected.nameAt(json, p + 1))
                {
                    after = plainNumberSample(json, close + 2, end, expected);
                    if (after < 0)
                    {
                        path.pushKey(keyStart);
                        cursor.pos = skipWhitespace(json, close + 2, end);
                        if (!sampleValue(expected.id, keyStart))
                        {
                            return false;
                        }
                        path.pop();
                        after = cursor.pos;
                    }
                }
            }
            if (after < 0)
            {
                cursor.pos = keyStart;
                if (!sample(keyStart, position))
                {
                    return false;
                }
                after = cursor.pos;
            }
            p = after;
            if (p < end && json[p] == ',')
            {
                p++;
                continue;
            }
            p = skipWhitespace(json, p, end);
            if (p < end && json[p] == ',')
            {
                p++;
                continue;
            }
            if (p < end && json[p] == '}')
            {
                cursor.pos = p + 1;
                return true;
            }
            return cursor.failNoSeparator(p, '}', "");
        }
    }

    private static int skipWhitespace(final byte[] json, final int from, final int end)
    {
        int p = from;
        while (p < end && isWhitespace(json[p]))
        {
            p++;
        }
        return p;
    }

    /**
     * The common case of a sample value, in local variables only: a plain decimal ({@code -?digits[.digits]},
     * at most 7 digits on each side of the point) for a known channel, in range, not seen before in the frame.
     * Digits are classified and converted eight at a time (SWAR). Returns the position after the number with the
     * sample written, or -1 to hand the value to {@link #sampleValue}, which defines the semantics and reports
     * every error (exponents, booleans, long mantissas, out-of-range or malformed values, duplicates).
     */
    private int plainNumberSample(final byte[] json, final int start, final int end, final DecoderChannel channel)
    {
        // Two 8-byte loads follow; near the end of the input the general path does the work.
        if (end - start < 24)
        {
            return -1;
        }
        int p = start;
        final boolean negative = json[p] == '-';
        if (negative)
        {
            p++;
        }
        long word = SwarDigits.load(json, p);
        final int digits = SwarDigits.count(word);
        if (digits == 0 || digits == 8 || (digits > 1 && (word & 0xFF) == 0))
        {
            return -1;
        }
        long mantissa = SwarDigits.value(word, digits);
        p += digits;
        int fractionDigits = 0;
        if (json[p] == '.')
        {
            word = SwarDigits.load(json, p + 1);
            fractionDigits = SwarDigits.count(word);
            if (fractionDigits == 0 || fractionDigits == 8)
            {
                return -1;
            }
            mantissa = mantissa * LONG_POWERS_OF_TEN[fractionDigits] + SwarDigits.value(word, fractionDigits);
            p += 1 + fractionDigits;
        }
        final byte next = json[p];
        final int kind = channel.kind;
        final int id = channel.id;
        if (next == 'e' || next == 'E' || kind == DecoderChannel.KIND_OTHER || channelStamp[id] == frameStamp)
        {
            return -1;
        }
        final long bits;
        if (kind == DecoderChannel.KIND_INTEGER)
        {
            final long value = negative ? -mantissa : mantissa;
            if (fractionDigits != 0 || value < channel.minWhole || value > channel.maxWhole)
            {
                return -1;
            }
            bits = value;
        }
        else
        {
            // At most 14 digits (< 2^53) and an exact power of ten: one correctly rounded division (Clinger).
            double value = fractionDigits == 0 ? (double)mantissa : (double)mantissa / POWERS_OF_TEN[fractionDigits];
            if (negative)
            {
                value = -value;
            }
            if (kind == DecoderChannel.KIND_F32)
            {
                if (JsonCursor.isFloatMidpoint(value))
                {
                    return -1; // rounding twice could differ from rounding once: the general path converts it
                }
                value = (float)value; // the range is checked as stored: FrameDescriptor.storedValue
            }
            if (!(value >= channel.min && value <= channel.max))
            {
                return -1;
            }
            bits = Double.doubleToRawLongBits(value);
        }
        final int at = outputPosition + FRAME_HEADER_BYTES + sampleCount * SAMPLE_BYTES;
        if (at + SAMPLE_BYTES > outputEnd)
        {
            return -1;
        }
        channelStamp[id] = frameStamp;
        output.putLong(at + FrameDescriptor.SAMPLE_VALUE, bits, ByteOrder.LITTLE_ENDIAN);
        output.putInt(at + FrameDescriptor.SAMPLE_ID, channel.sampleHeader, ByteOrder.LITTLE_ENDIAN);
        sampleCount++;
        return p;
    }

    /**
     * A plain non-negative integer of at most 16 digits (sequence numbers, microsecond timestamps) at
     * {@code start}, read as two SWAR words; returns it with the cursor moved past it, or -1 to let the general
     * path decide (signs, fractions, exponents, leading zeros, values above {@code max}, errors).
     */
    private long plainInteger(final int start, final long max)
    {
        final byte[] json = input;
        if (inputOffset + inputLength - start < 24)
        {
            return -1;
        }
        long word = SwarDigits.load(json, start);
        int digits = SwarDigits.count(word);
        if (digits == 0 || (digits > 1 && (word & 0xFF) == 0))
        {
            return -1;
        }
        long value = SwarDigits.value(word, digits);
        int p = start + digits;
        if (digits == 8)
        {
            word = SwarDigits.load(json, p);
            digits = SwarDigits.count(word);
            if (digits > 0)
            {
                value = value * LONG_POWERS_OF_TEN[digits] + SwarDigits.value(word, digits);
                p += digits;
            }
        }
        final byte next = json[p];
        if (next == '.' || next == 'e' || next == 'E' || (next >= '0' && next <= '9') || value > max)
        {
            return -1;
        }
        cursor.pos = p;
        return value;
    }

    /** One member of a frame's samples whose name was not predicted: scan, check and look it up. */
    private boolean sample(final int keyStart, final int position)
    {
        if (!key())
        {
            return false;
        }
        path.pushKey(keyStart);
        if (!isChannelName())
        {
            return contract(DecodeErrorCode.INVALID_VALUE, keyStart, "'" + cursor.stringValue() +
                "' is not a channel name (a letter, then up to 63 letters, digits or '_')");
        }
        if (sampleCount == limits.maxSamplesPerFrame())
        {
            return limit(keyStart, "more than " + limits.maxSamplesPerFrame() + " samples in one frame");
        }
        final int id = nameIndex.idOf(cursor.stringHash(), cursor.stringArray(), cursor.stringOffset(),
            cursor.stringLength());
        predicted[position] = id == ChannelNameIndex.MISSING ? null : channels[id];
        cursor.skipWhitespace();
        if (!sampleValue(id, keyStart))
        {
            return false;
        }
        path.pop();
        return true;
    }

    private boolean quotedKeyAt(final int at, final long[] words, final int length)
    {
        return at + length <= inputOffset + inputLength &&
            (long)LONG_LE.get(input, at) == words[0] && (long)LONG_LE.get(input, at + length - 8) == words[1];
    }

    // `"name":` as two overlapping little-endian words (every frame key is 8 to 16 bytes long with its quotes).
    private static long[][] quotedKeyWords(final byte[][] quotedKeys)
    {
        final long[][] words = new long[quotedKeys.length][];
        for (int i = 0; i < quotedKeys.length; i++)
        {
            final byte[] key = quotedKeys[i];
            if (key.length < 8 || key.length > 16)
            {
                throw new IllegalStateException("frame key must be 8 to 16 bytes with quotes and colon");
            }
            words[i] = new long[] { (long)LONG_LE.get(key, 0), (long)LONG_LE.get(key, key.length - 8) };
        }
        return words;
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private boolean sampleValue(final int id, final int keyStart)
    {
        final int b = cursor.peek();
        final boolean isNumber = b == '-' || (b >= '0' && b <= '9');
        final boolean isBoolean = b == 't' || b == 'f';
        if (!isNumber && !isBoolean)
        {
            return wrongType("a sample value must be a number or a boolean");
        }
        valueStart = cursor.pos;
        final int literal;
        if (isBoolean)
        {
            literal = cursor.readLiteral();
            if (literal < 0 || literal == 2)
            {
                return false;
            }
        }
        else
        {
            literal = -1;
            if (!cursor.readNumber())
            {
                return false;
            }
        }
        // Only now is the value known to be well-formed, so dictionary problems are reported as such.
        if (id == ChannelNameIndex.MISSING)
        {
            return unknownChannel(keyStart);
        }
        if (channelStamp[id] == frameStamp)
        {
            return dictionary(DecodeErrorCode.DUPLICATE_CHANNEL, keyStart, "channel '" + cursor.stringValueAt(keyStart) +
                "' appears twice in one frame");
        }
        channelStamp[id] = frameStamp;
        final DecoderChannel channel = channels[id];
        if (channel.restricted && !allowRestricted)
        {
            return dictionary(DecodeErrorCode.RESTRICTED_CHANNEL, keyStart, "channel '" + registry.byId(id).name() +
                "' is restricted and this client is not allowed to send it");
        }
        final DataType type = channel.dataType;
        final long bits;
        if (type == DataType.BOOL)
        {
            if (!isBoolean)
            {
                return dictionary(DecodeErrorCode.VALUE_WRONG_TYPE, valueStart, "channel '" + registry.byId(id).name() +
                    "' is a bool: send true or false");
            }
            bits = literal;
        }
        else if (isBoolean)
        {
            return dictionary(DecodeErrorCode.VALUE_WRONG_TYPE, valueStart, "channel '" + registry.byId(id).name() +
                "' is " + type.symbol() + ": send a number, not a boolean");
        }
        else if (type.isInteger())
        {
            final int status = cursor.toLong(type.minInteger(), type.maxInteger());
            if (status == 1)
            {
                return dictionary(DecodeErrorCode.VALUE_WRONG_TYPE, valueStart, "channel '" + registry.byId(id).name() +
                    "' is " + type.symbol() + ": send a whole number");
            }
            final long value = cursor.longValue();
            if (status == 2 || value < channel.minWhole || value > channel.maxWhole)
            {
                return outOfRange(registry.byId(id));
            }
            bits = value;
        }
        else
        {
            // The range is checked as stored (FrameDescriptor.storedValue): an f32 channel's value as the nearest float.
            final double value = type == DataType.F32 ? cursor.toFloat() : cursor.toDouble();
            if (!(value >= channel.min && value <= channel.max))
            {
                return outOfRange(registry.byId(id));
            }
            bits = Double.doubleToRawLongBits(value);
        }
        return putSample(channel, bits);
    }

    // Samples go straight to their final place in the output: after the frame's header, block and group header,
    // which are written once the frame's object closes (its fields may come in any order).
    private boolean putSample(final DecoderChannel channel, final long bits)
    {
        final int at = outputPosition + FRAME_HEADER_BYTES + sampleCount * SAMPLE_BYTES;
        if (at + SAMPLE_BYTES > outputEnd)
        {
            return tooSmall();
        }
        output.putLong(at + FrameDescriptor.SAMPLE_VALUE, bits, ByteOrder.LITTLE_ENDIAN);
        output.putInt(at + FrameDescriptor.SAMPLE_ID, channel.sampleHeader, ByteOrder.LITTLE_ENDIAN);
        sampleCount++;
        return true;
    }

    private boolean outOfRange(final ParameterDefinition definition)
    {
        return dictionary(DecodeErrorCode.VALUE_OUT_OF_RANGE, valueStart, "channel '" + definition.name() +
            "' value " + new String(input, valueStart, cursor.pos - valueStart, java.nio.charset.StandardCharsets.US_ASCII) + " is outside " +
            "its range [" + formatBound(definition.min()) + ", " + formatBound(definition.max()) + "] " +
            definition.unit().symbol());
    }

    private boolean unknownChannel(final int keyStart)
    {
        final String name = cursor.stringValueAt(keyStart);
        final List<String> suggestions = registry.suggest(name, 3);
        return dictionary(DecodeErrorCode.UNKNOWN_CHANNEL, keyStart, "unknown channel '" + name + "' in dictionary " +
            registry.name() + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(", ", suggestions) + "?"));
    }

    private boolean isChannelName()
    {
        final int length = cursor.stringLength();
        if (length < 1 || length > 64)
        {
            return false;
        }
        final byte[] buffer = cursor.stringArray();
        final int offset = cursor.stringOffset();
        for (int i = 0; i < length; i++)
        {
            final byte c = buffer[offset + i];
            final boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
            if (!(letter || i > 0 && (c >= '0' && c <= '9' || c == '_')))
            {
                return false;
            }
        }
        return true;
    }

    // --------------------------------------------------------------------------------------------------- output

    // The frame's header, block and group header as nine word writes (the layout is checked once, at class load,
    // against the generated codec): the samples are already in place after them.
    private boolean encodeFrame(final int objectStart)
    {
        final int start = outputPosition;
        if (start + FRAME_HEADER_BYTES > outputEnd)
        {
            return tooSmall();
        }
        final MutableDirectBuffer out = output;
        out.putLong(start, FRAME_MESSAGE_HEADER, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.SESSION_MSB, sessionId.mostSigBits, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.SESSION_LSB, sessionId.leastSigBits, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.PRODUCER_MSB, producerId.mostSigBits, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.PRODUCER_LSB, producerId.leastSigBits, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.SEQUENCE, frameSequence, ByteOrder.LITTLE_ENDIAN);
        out.putLong(start + FrameDescriptor.TIMESTAMP_US, frameTimestampUs, ByteOrder.LITTLE_ENDIAN);
        // sourceId u16 | lapNumber u16 | sector u8 | flags u8 (none) | group blockLength u16, then numInGroup u16.
        final long lap = frameLapNumber < 0 ? FrameDescriptor.NULL_LAP : frameLapNumber;
        final long sector = frameSector < 0 ? FrameDescriptor.NULL_SECTOR : frameSector;
        out.putLong(start + FrameDescriptor.SOURCE_ID, (sourceId & 0xFFFFL) | lap << 16 | sector << 32 |
            (long)SAMPLE_BYTES << 48, ByteOrder.LITTLE_ENDIAN);
        out.putShort(start + FrameDescriptor.GROUP_HEADER + FrameDescriptor.GROUP_COUNT_OFFSET, (short)sampleCount,
            ByteOrder.LITTLE_ENDIAN);
        final int length = FRAME_HEADER_BYTES + sampleCount * SAMPLE_BYTES;
        result.addMessage(start, length, sampleCount);
        outputPosition = start + length;
        return true;
    }

    private boolean tooSmall()
    {
        error.set(DecodeErrorCode.OUTPUT_TOO_SMALL, path.render(input, inputOffset, inputLength),
            cursor.relative(cursor.pos), "the output buffer cannot hold the encoded frames");
        return false;
    }

    // Identifiers may follow the payload in the JSON, so they are written into the frames last.
    private boolean finish()
    {
        if (eventType != EnvelopeEventType.SAMPLE_BATCH)
        {
            if (!encodeSessionMarker())
            {
                return false;
            }
        }
        else if (!identifiersInline || sourceIdAfterPayload)
        {
            for (int i = 0; i < result.messageCount(); i++)
            {
                frameEncoder.wrap(output, result.messageOffset(i) + MessageHeaderEncoder.ENCODED_LENGTH);
                frameEncoder.sessionId().mostSigBits(sessionId.mostSigBits).leastSigBits(sessionId.leastSigBits);
                frameEncoder.producerId().mostSigBits(producerId.mostSigBits).leastSigBits(producerId.leastSigBits);
                frameEncoder.sourceId(sourceId);
            }
        }
        result.identifiers(eventType, sourceId, eventId, sessionId, producerId);
        return true;
    }

    private boolean encodeSessionMarker()
    {
        final int start = outputPosition;
        final int needed = MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH + 2 + labelLength;
        if (start + needed > outputEnd)
        {
            error.set(DecodeErrorCode.OUTPUT_TOO_SMALL, "", 0, "the output buffer cannot hold the session marker");
            return false;
        }
        final int length;
        if (eventType == EnvelopeEventType.SESSION_START)
        {
            sessionStartEncoder.wrapAndApplyHeader(output, start, headerEncoder)
                .timestampUs(markerTimestampUs)
                .sourceId(sourceId);
            sessionStartEncoder.sessionId().mostSigBits(sessionId.mostSigBits).leastSigBits(sessionId.leastSigBits);
            sessionStartEncoder.producerId().mostSigBits(producerId.mostSigBits).leastSigBits(producerId.leastSigBits);
            sessionStartEncoder.putLabel(label, 0, labelLength);
            length = MessageHeaderEncoder.ENCODED_LENGTH + sessionStartEncoder.encodedLength();
        }
        else
        {
            sessionEndEncoder.wrapAndApplyHeader(output, start, headerEncoder)
                .timestampUs(markerTimestampUs)
                .sourceId(sourceId);
            sessionEndEncoder.sessionId().mostSigBits(sessionId.mostSigBits).leastSigBits(sessionId.leastSigBits);
            sessionEndEncoder.producerId().mostSigBits(producerId.mostSigBits).leastSigBits(producerId.leastSigBits);
            sessionEndEncoder.putLabel(label, 0, labelLength);
            length = MessageHeaderEncoder.ENCODED_LENGTH + sessionEndEncoder.encodedLength();
        }
        result.addMessage(start, length, 0);
        outputPosition = start + length;
        return true;
    }

    // --------------------------------------------------------------------------------------------- scanning help

    private int valueStart;
    private long integerValue;

    /** After '{': consumes '}' of an empty object and returns true, or positions the cursor at the first key. */
    private boolean isEmptyObject()
    {
        cursor.skipWhitespace();
        if (cursor.peek() == '}')
        {
            cursor.pos++;
            return true;
        }
        return false;
    }

    /** Reads a member's key and the ':' after it. */
    private boolean key()
    {
        cursor.skipWhitespace();
        if (cursor.peek() != '"')
        {
            return cursor.fail(cursor.pos, cursor.atEnd() ? "document ends early: expected a field name" :
                "expected a field name in double quotes, found " + cursor.describe(cursor.pos));
        }
        final int keyStart = cursor.pos;
        final int status = cursor.readString();
        if (status != 1)
        {
            return status == 2 && limit(keyStart, cursor.problem());
        }
        return cursor.expect(':', "':' after the field name");
    }

    /** After a member: true if ',' follows (another member), false at '}' or on a syntax problem. */
    private boolean nextMember()
    {
        cursor.skipWhitespace();
        final int b = cursor.peek();
        if (b == ',')
        {
            cursor.pos++;
            return true;
        }
        if (b == '}')
        {
            cursor.pos++;
            return false;
        }
        cursor.failNoSeparator(cursor.pos, '}', "");
        return false;
    }

    private int match(final byte[][] names)
    {
        for (int i = 0; i < names.length; i++)
        {
            if (cursor.stringEquals(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /** A string value under the cursor (a contract error if it is another type). */
    private boolean stringValue()
    {
        if (cursor.peek() != '"')
        {
            return wrongType("must be a string");
        }
        valueStart = cursor.pos;
        final int status = cursor.readString();
        if (status == 2)
        {
            return limit(valueStart, cursor.problem());
        }
        return status == 1;
    }

    /** An integer value under the cursor within [min, max]; leaves it in {@link #integerValue}. */
    private boolean integer(final String field, final long min, final long max)
    {
        final long plain = min == 0 ? plainInteger(cursor.pos, max) : -1;
        if (plain >= 0)
        {
            integerValue = plain;
            return true;
        }
        final int b = cursor.peek();
        if (!(b == '-' || b >= '0' && b <= '9'))
        {
            return wrongType(field + " must be an integer");
        }
        valueStart = cursor.pos;
        if (!cursor.readNumber())
        {
            return false;
        }
        final int status = cursor.toLong(min, max);
        if (status == 1)
        {
            return contract(DecodeErrorCode.WRONG_TYPE, valueStart, field + " must be an integer, was " +
                new String(input, valueStart, cursor.pos - valueStart, java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (status == 2)
        {
            return contract(DecodeErrorCode.INVALID_VALUE, valueStart, field + " must be between " + min + " and " +
                max + ", was " + new String(input, valueStart, cursor.pos - valueStart, java.nio.charset.StandardCharsets.US_ASCII));
        }
        integerValue = cursor.longValue();
        return true;
    }

    // ------------------------------------------------------------------------------------------------- failures

    private boolean wrongType(final String message)
    {
        return contract(DecodeErrorCode.WRONG_TYPE, cursor.pos, message);
    }

    private boolean contract(final DecodeErrorCode code, final int position, final String message)
    {
        error.set(code, path.render(input, inputOffset, inputLength), cursor.relative(position), message);
        return false;
    }

    private boolean dictionary(final DecodeErrorCode code, final int position, final String message)
    {
        return contract(code, position, message);
    }

    private boolean limit(final int position, final String message)
    {
        return contract(DecodeErrorCode.LIMIT_EXCEEDED, position, message);
    }

    // A contract problem found first does not hide that the document is not JSON at all: check the syntax of the
    // whole document and, if it is broken, report that instead. Syntax problems found by the scan itself are
    // already the first in document order.
    private boolean reportSyntaxFirst()
    {
        if (error.code() == null)
        {
            final int offset = cursor.problemOffset();
            final String message = cursor.problem();
            // The scan stopped on bad syntax; the checker gives the pointer and the first such problem.
            if (!syntaxChecker.check(input, inputOffset, inputLength))
            {
                reportSyntaxProblem();
            }
            else
            {
                error.set(DecodeErrorCode.MALFORMED_JSON, path.render(input, inputOffset, inputLength), offset, message);
            }
            return false;
        }
        if (!syntaxChecker.check(input, inputOffset, inputLength))
        {
            reportSyntaxProblem();
        }
        return false;
    }

    private void reportSyntaxProblem()
    {
        error.set(
            syntaxChecker.depthExceeded() ? DecodeErrorCode.LIMIT_EXCEEDED : DecodeErrorCode.MALFORMED_JSON,
            syntaxChecker.pointer(input, inputOffset, inputLength),
            syntaxChecker.problemOffset(),
            syntaxChecker.problem());
    }

    private static String firstMissing(final int seen, final int required, final String[] names)
    {
        for (int i = 0; i < names.length; i++)
        {
            if ((required & 1 << i) != 0 && (seen & 1 << i) == 0)
            {
                return names[i];
            }
        }
        return "?";
    }

    private static String formatBound(final double bound)
    {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long)bound) : Double.toString(bound);
    }

    // The frame header as one long (FrameDescriptor.FRAME_HEADER_WORD), after a check that
    // the block's tail is laid out as encodeFrame writes it.
    private static long frameMessageHeader()
    {
        if (FrameDescriptor.LAP_NUMBER != FrameDescriptor.SOURCE_ID + 2 ||
            FrameDescriptor.SECTOR != FrameDescriptor.SOURCE_ID + 4 ||
            FrameDescriptor.FLAGS != FrameDescriptor.SOURCE_ID + 5 ||
            FrameDescriptor.GROUP_HEADER != FrameDescriptor.SOURCE_ID + 6 ||
            FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET != 0 || FrameDescriptor.GROUP_COUNT_OFFSET != 2)
        {
            throw new IllegalStateException("TelemetryFrame layout changed: update EnvelopeDecoder.encodeFrame");
        }
        return FrameDescriptor.FRAME_HEADER_WORD;
    }

    private static byte[][] quotedKeys(final String[] names)
    {
        final byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            keys[i] = JsonCursor.ascii("\"" + names[i] + "\":");
        }
        return keys;
    }

    private static byte[][] asciiAll(final String[] names)
    {
        final byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            bytes[i] = JsonCursor.ascii(names[i]);
        }
        return bytes;
    }
}
