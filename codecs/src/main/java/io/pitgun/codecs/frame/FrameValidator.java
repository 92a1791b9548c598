package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.FLAGS;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.MARKER_TIMESTAMP_US;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.SEQUENCE;
import static io.pitgun.codecs.frame.FrameDescriptor.TEMPLATE_ID_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;
import static io.pitgun.codecs.frame.FrameDescriptor.VAR_LENGTH_BYTES;
import static io.pitgun.codecs.frame.FrameStructure.fail;

/**
 * What a valid Pitgun SBE message is, for every path that takes one: the binary WebSocket gateway, the journal
 * tools and (through {@link FrameStructure}) the engine. Two levels:
 * <ul>
 *   <li>{@link Level#STRUCTURE}: {@link FrameStructure}'s rule — readable at its acting block lengths (at least
 *   this build's), enums defined, var-data within the schema's length and valid UTF-8. What the journal tools need
 *   to decode and what the pipeline checks on publish.</li>
 *   <li>{@link Level#DICTIONARY}: also what the envelope contract ({@code pitgun-envelope/v1}) and the
 *   {@link EnvelopeDecoder} require of the same frame sent as JSON — sequence and timestamp in [0, 2^53 - 1], 1 to
 *   max samples, no flags, labels of at most 128 characters, producer messages only — and what the dictionary
 *   says of each sample: a known parameter id, once per frame, the dictionary's value type, a value that type
 *   holds exactly, within range, restricted channels only when allowed. A frame passes exactly when its JSON form
 *   ({@link io.pitgun.codecs.json.FrameJsonEncoder}) passes the envelope decoder, for the quality and value
 *   fields JSON can express.</li>
 * </ul>
 * The fields are read through {@link FrameFlyweight}, so a frame of a newer schema with longer blocks is checked
 * field by field like one of this build's.
 * <p>
 * Diagnostics (for tools and nacks): after a failed check {@link #problem()}, {@link #problemOffset()},
 * {@link #sampleIndex()} and {@link #describe()} name the problem and where it is. Checking allocates nothing;
 * describing allocates. Not thread-safe: one per thread.
 */
public final class FrameValidator
{
    /** How much of the rule to check. */
    public enum Level
    {
        /** The structure alone: the bytes can be read as a message of this build's schema. */
        STRUCTURE,
        /** Structure, envelope contract bounds and the dictionary: what a producer may send. */
        DICTIONARY
    }


    private final ParameterRegistry registry;
    private final int maxSamplesPerFrame;
    private final int[] frameStampById;
    private int frameStamp;
    private boolean allowRestricted;

    private final FrameFlyweight flyweight = new FrameFlyweight();
    private long result;
    private int sampleIndex;
    private long actual;
    private DirectBuffer lastBuffer;
    private int lastOffset;

    /** A validator of {@link Level#STRUCTURE} alone (journal tools): it has no dictionary to check against. */
    public FrameValidator()
    {
        this.registry = null;
        this.maxSamplesPerFrame = DecoderLimits.SCHEMA_MAX_SAMPLES;
        this.frameStampById = new int[0];
    }

    /** A validator with the envelope contract's sample bound ({@link DecoderLimits#SCHEMA_MAX_SAMPLES}). */
    public FrameValidator(final ParameterRegistry registry)
    {
        this(registry, DecoderLimits.SCHEMA_MAX_SAMPLES);
    }

    /**
     * @param registry           the dictionary samples are checked against ({@link Level#DICTIONARY}).
     * @param maxSamplesPerFrame most samples in one frame; the same bound the JSON path's {@link DecoderLimits} has.
     */
    public FrameValidator(final ParameterRegistry registry, final int maxSamplesPerFrame)
    {
        this.registry = registry;
        this.maxSamplesPerFrame = maxSamplesPerFrame;
        this.frameStampById = new int[registry.maxId() + 1];
    }

    /** Whether restricted channels pass {@link Level#DICTIONARY} (default false), as for the envelope decoder. */
    public FrameValidator allowRestricted(final boolean allowed)
    {
        this.allowRestricted = allowed;
        return this;
    }

    /**
     * Checks the message at {@code offset} with {@code available} bytes from there on (more messages may follow).
     *
     * @return a {@link FrameStructure} result: its template id and length, or (negative) its problem.
     */
    public long validate(final DirectBuffer buffer, final int offset, final int available, final Level level)
    {
        return record(buffer, offset, level, FrameStructure.check(buffer, offset, available));
    }

    /** Checks bytes that must hold exactly one message; true if it passes {@code level}. */
    public boolean validateExactly(final DirectBuffer buffer, final int offset, final int length, final Level level)
    {
        return FrameStructure.isReadable(
            record(buffer, offset, level, FrameStructure.checkExactly(buffer, offset, length)));
    }

    /** The problem of the last failed check, or null after a passed one. */
    public FrameProblem problem()
    {
        return FrameStructure.isReadable(result) ? null : FrameStructure.problem(result);
    }

    /** Byte offset from the start of the message of the field with the problem, or -1 after a passed check. */
    public int problemOffset()
    {
        return FrameStructure.isReadable(result) ? -1 : FrameStructure.problemOffset(result);
    }

    /** Index of the sample with the problem, or -1 if the problem is not in a sample. */
    public int sampleIndex()
    {
        return sampleIndex;
    }

    /** Template id of the last message if its header could be read and named one, else -1. */
    public int templateId()
    {
        if (FrameStructure.isReadable(result))
        {
            return FrameStructure.templateId(result);
        }
        final FrameProblem problem = FrameStructure.problem(result);
        return problem == FrameProblem.TRUNCATED && FrameStructure.problemOffset(result) == 0 ||
            problem == FrameProblem.WRONG_SCHEMA || problem == FrameProblem.UNKNOWN_TEMPLATE ?
            -1 : FrameDescriptor.templateId(lastBuffer, lastOffset);
    }

    /**
     * One line for an operator or a client: the message, the byte and the problem with the values found, e.g.
     * {@code TelemetryFrame, byte 84 (sample 2): quality is not a defined SignalQuality (200)}. Allocates.
     */
    public String describe()
    {
        if (FrameStructure.isReadable(result))
        {
            return null;
        }
        final FrameProblem problem = FrameStructure.problem(result);
        final int templateId = templateId();
        final StringBuilder out = new StringBuilder(96);
        out.append(templateId < 0 ? "message" : FrameStructure.nameOf(templateId))
            .append(", byte ").append(FrameStructure.problemOffset(result));
        if (sampleIndex >= 0)
        {
            out.append(" (sample ").append(sampleIndex).append(')');
        }
        out.append(": ").append(problem.summary());
        switch (problem)
        {
            case WRONG_SCHEMA:
                out.append(" (").append(actual).append(", expected ").append(TelemetryFrameDecoder.SCHEMA_ID).append(')');
                break;
            case BLOCK_LENGTH:
                out.append(" (").append(actual).append(" bytes, this build's fields need ")
                    .append(FrameStructure.blockLengthOf(templateId)).append(')');
                break;
            case GROUP_BLOCK_LENGTH:
                out.append(" (").append(actual).append(" bytes, this build's fields need ").append(SAMPLE_LENGTH)
                    .append(')');
                break;
            case SEQUENCE_OUT_OF_RANGE:
                out.append(" (").append(Long.toUnsignedString(actual)).append(')');
                break;
            case SAMPLE_COUNT:
                out.append(" (").append(actual).append(" samples, at most ").append(maxSamplesPerFrame).append(')');
                break;
            case UNKNOWN_CHANNEL:
                out.append(" (id ").append(actual).append(", dictionary ").append(registry.name()).append(')');
                break;
            case DUPLICATE_CHANNEL:
            case RESTRICTED_CHANNEL:
                out.append(" (").append(nameOf((int)actual)).append(')');
                break;
            case VALUE_WRONG_TYPE:
            case VALUE_NOT_REPRESENTABLE:
            case VALUE_OUT_OF_RANGE:
                valueDetails(out);
                break;
            case TRUNCATED:
            case TRAILING_BYTES:
            case NOT_A_PRODUCER_MESSAGE:
                break;
            default:
                out.append(" (").append(actual).append(')');
                break;
        }
        return out.toString();
    }

    private void valueDetails(final StringBuilder out)
    {
        final int at = FrameStructure.problemOffset(result) - SAMPLE_VALUE_TYPE;
        final int sample = lastOffset + (FrameStructure.problem(result) == FrameProblem.VALUE_WRONG_TYPE ? at :
            FrameStructure.problemOffset(result) - SAMPLE_VALUE);
        final int id = lastBuffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF;
        final ParameterDefinition definition = registry.byId(id);
        final DataType type = definition.dataType();
        out.append(" (").append(definition.name()).append(" is ").append(type.symbol());
        if (FrameStructure.problem(result) == FrameProblem.VALUE_WRONG_TYPE)
        {
            out.append(", valueType code ").append(actual);
        }
        else
        {
            out.append(", value ").append(type.isFloat() ? Double.toString(Double.longBitsToDouble(actual)) :
                Long.toString(actual)).append(", range [").append(definition.min()).append(", ")
                .append(definition.max()).append(']');
        }
        out.append(')');
    }

    private String nameOf(final int id)
    {
        final ParameterDefinition definition = registry.byId(id);
        return definition == null ? "id " + id : definition.name() + " (id " + id + ")";
    }

    private long record(final DirectBuffer buffer, final int offset, final Level level, final long structure)
    {
        lastBuffer = buffer;
        lastOffset = offset;
        sampleIndex = -1;
        result = structure;
        if (!FrameStructure.isReadable(structure))
        {
            actual = actualAt(buffer, offset, FrameStructure.problem(structure), FrameStructure.problemOffset(structure));
            return structure;
        }
        if (level == Level.DICTIONARY)
        {
            if (registry == null)
            {
                throw new IllegalStateException("a structure-only FrameValidator has no dictionary to check against");
            }
            final long problem = contract(buffer, offset, FrameStructure.templateId(structure));
            if (problem != 0)
            {
                result = problem;
            }
        }
        return result;
    }

    private long actualAt(final DirectBuffer buffer, final int offset, final FrameProblem problem, final int at)
    {
        switch (problem)
        {
            case WRONG_SCHEMA:
            case UNKNOWN_TEMPLATE:
            case BLOCK_LENGTH:
            case GROUP_BLOCK_LENGTH:
            case VAR_DATA_TOO_LONG:
                return buffer.getShort(offset + at, ORDER) & 0xFFFF;
            case UNDEFINED_VALUE_TYPE:
            case UNDEFINED_QUALITY:
            case INVALID_UTF8:
                sampleIndex = problem == FrameProblem.INVALID_UTF8 ? -1 :
                    (at - flyweight.wrap(buffer, offset).sampleOffset(0)) / flyweight.actingSampleLength();
                return buffer.getByte(offset + at) & 0xFF;
            default:
                return 0;
        }
    }

    // Returns 0 when the message is within the contract and the dictionary, else a failed result.
    private long contract(final DirectBuffer buffer, final int offset, final int templateId)
    {
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                return frame(buffer, offset);
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                return marker(buffer, offset);
            default:
                return fail(FrameProblem.NOT_A_PRODUCER_MESSAGE, TEMPLATE_ID_OFFSET);
        }
    }

    private long marker(final DirectBuffer buffer, final int offset)
    {
        final int label = flyweight.wrap(buffer, offset).afterRootBlock();
        final long timestampUs = buffer.getLong(offset + MARKER_TIMESTAMP_US, ORDER);
        if (timestampUs < 0 || timestampUs > EnvelopeDecoder.MAX_SAFE_INTEGER)
        {
            actual = timestampUs;
            return fail(FrameProblem.TIMESTAMP_OUT_OF_RANGE, MARKER_TIMESTAMP_US);
        }
        final int labelLength = buffer.getShort(offset + label, ORDER) & 0xFFFF;
        final int codePoints = Utf8.codePoints(buffer, offset + label + VAR_LENGTH_BYTES, labelLength);
        if (codePoints > EnvelopeDecoder.MAX_LABEL_CODE_POINTS)
        {
            actual = codePoints;
            return fail(FrameProblem.LABEL_TOO_LONG, label);
        }
        return 0;
    }

    private long frame(final DirectBuffer buffer, final int offset)
    {
        final int flags = buffer.getByte(offset + FLAGS) & 0xFF;
        if (flags != 0)
        {
            actual = flags;
            return fail(FrameProblem.FLAGS_SET, FLAGS);
        }
        final long sequence = buffer.getLong(offset + SEQUENCE, ORDER);
        if (Long.compareUnsigned(sequence, EnvelopeDecoder.MAX_SAFE_INTEGER) > 0)
        {
            actual = sequence;
            return fail(FrameProblem.SEQUENCE_OUT_OF_RANGE, SEQUENCE);
        }
        final long timestampUs = buffer.getLong(offset + TIMESTAMP_US, ORDER);
        if (timestampUs < 0 || timestampUs > EnvelopeDecoder.MAX_SAFE_INTEGER)
        {
            actual = timestampUs;
            return fail(FrameProblem.TIMESTAMP_OUT_OF_RANGE, TIMESTAMP_US);
        }
        final FrameFlyweight frame = flyweight.wrap(buffer, offset);
        final int count = frame.sampleCount();
        if (count == 0 || count > maxSamplesPerFrame)
        {
            actual = count;
            return fail(FrameProblem.SAMPLE_COUNT, frame.afterRootBlock() + GROUP_COUNT_OFFSET);
        }
        final int stamp = nextFrameStamp();
        for (int i = 0; i < count; i++)
        {
            final int at = frame.sampleOffset(i);
            final long problem = sample(buffer, offset, at, stamp);
            if (problem != 0)
            {
                sampleIndex = i;
                return problem;
            }
        }
        return 0;
    }

    private long sample(final DirectBuffer buffer, final int offset, final int at, final int stamp)
    {
        final int id = buffer.getShort(offset + at + SAMPLE_ID, ORDER) & 0xFFFF;
        final ParameterDefinition definition = registry.byId(id);
        actual = id;
        if (definition == null)
        {
            return fail(FrameProblem.UNKNOWN_CHANNEL, at + SAMPLE_ID);
        }
        if (frameStampById[id] == stamp)
        {
            return fail(FrameProblem.DUPLICATE_CHANNEL, at + SAMPLE_ID);
        }
        frameStampById[id] = stamp;
        if (definition.access() == AccessLevel.RESTRICTED && !allowRestricted)
        {
            return fail(FrameProblem.RESTRICTED_CHANNEL, at + SAMPLE_ID);
        }
        final DataType type = definition.dataType();
        final int valueType = buffer.getByte(offset + at + SAMPLE_VALUE_TYPE) & 0xFF;
        if (valueType != (type.valueType().value() & 0xFF))
        {
            actual = valueType;
            return fail(FrameProblem.VALUE_WRONG_TYPE, at + SAMPLE_VALUE_TYPE);
        }
        final long bits = buffer.getLong(offset + at + SAMPLE_VALUE, ORDER);
        actual = bits;
        final FrameProblem problem = valueProblem(definition, type, bits);
        return problem == null ? 0 : fail(problem, at + SAMPLE_VALUE);
    }

    // The same decisions EnvelopeDecoder makes for a JSON value of the channel, on the bits it would write.
    private static FrameProblem valueProblem(final ParameterDefinition definition, final DataType type, final long bits)
    {
        if (type == DataType.BOOL)
        {
            return bits != 0 && bits != 1 ? FrameProblem.VALUE_NOT_REPRESENTABLE :
                definition.inRange(bits) ? null : FrameProblem.VALUE_OUT_OF_RANGE;
        }
        if (type.isInteger())
        {
            return bits < type.minInteger() || bits > type.maxInteger() || !definition.inRange(bits) ?
                FrameProblem.VALUE_OUT_OF_RANGE : null;
        }
        final double value = Double.longBitsToDouble(bits);
        if (type == DataType.F32 && value == value && (double)(float)value != value)
        {
            return FrameProblem.VALUE_NOT_REPRESENTABLE;
        }
        return definition.inRange(value) ? null : FrameProblem.VALUE_OUT_OF_RANGE;
    }

    private int nextFrameStamp()
    {
        if (++frameStamp == 0)
        {
            java.util.Arrays.fill(frameStampById, 0); // once every 2^32 frames
            frameStamp = 1;
        }
        return frameStamp;
    }
}
