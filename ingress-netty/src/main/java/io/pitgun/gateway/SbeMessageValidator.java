package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks a binary WebSocket message: one or more SBE messages of the Pitgun schema back to back
 * ({@code TelemetryFrame}, {@code SessionStart}, {@code SessionEnd}), each complete, every sample's parameter in
 * the dictionary with the dictionary's value type and within its range, restricted channels only from allowed
 * clients. On success {@link #count()} messages with their offsets and lengths; on failure {@link #error()} names
 * the message index, its byte offset and the problem. Allocation-free on success; one per event-loop thread.
 */
public final class SbeMessageValidator
{
    private final ParameterRegistry registry;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
    private final SessionStartDecoder sessionStart = new SessionStartDecoder();
    private final SessionEndDecoder sessionEnd = new SessionEndDecoder();
    private final int[] offsets;
    private final int[] lengths;
    private final int maxMessageBytes;
    private int count;
    private String error;
    private RejectReason reason;

    /**
     * @param maxMessages     most SBE messages in one binary WebSocket message.
     * @param maxMessageBytes largest single SBE message (a ring slot).
     */
    public SbeMessageValidator(final ParameterRegistry registry, final int maxMessages, final int maxMessageBytes)
    {
        this.registry = registry;
        this.offsets = new int[maxMessages];
        this.lengths = new int[maxMessages];
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Checks {@code buffer[offset, offset + length)}; offsets reported are relative to {@code offset}. */
    public boolean validate(final DirectBuffer buffer, final int offset, final int length, final boolean allowRestricted)
    {
        count = 0;
        error = null;
        reason = null;
        if (length == 0)
        {
            return fail(RejectReason.BAD_SBE, "empty binary message: send one or more Pitgun SBE messages");
        }
        view.wrap(buffer, offset, length);
        int position = 0;
        while (position < length)
        {
            if (count == offsets.length)
            {
                return fail(RejectReason.TOO_MANY_ENVELOPES, "more than " + offsets.length + " SBE messages in one binary message");
            }
            final int messageLength;
            try
            {
                messageLength = check(position, length - position, allowRestricted);
            }
            catch (final IndexOutOfBoundsException ex)
            {
                return fail(RejectReason.BAD_SBE, "message " + count + " at byte " + position +
                    " is truncated: its header and group counts need more bytes than the " + (length - position) + " left");
            }
            if (messageLength < 0)
            {
                return false;
            }
            offsets[count] = position;
            lengths[count] = messageLength;
            count++;
            position += messageLength;
        }
        return true;
    }

    private int check(final int at, final int remaining, final boolean allowRestricted)
    {
        if (remaining < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            fail(RejectReason.BAD_SBE, "message " + count + " at byte " + at + ": " + remaining +
                " bytes cannot hold an 8-byte SBE message header");
            return -1;
        }
        header.wrap(view, at);
        if (header.schemaId() != TelemetryFrameDecoder.SCHEMA_ID)
        {
            fail(RejectReason.BAD_SBE, "message " + count + " at byte " + at + ": schema id " + header.schemaId() +
                " is not the Pitgun frame schema (" + TelemetryFrameDecoder.SCHEMA_ID + ")");
            return -1;
        }
        final int body = at + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int length;
        switch (header.templateId())
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                frame.wrap(view, body, blockLength, version);
                if (!samples(at, allowRestricted))
                {
                    return -1;
                }
                length = MessageHeaderDecoder.ENCODED_LENGTH + frame.encodedLength();
                break;
            case SessionStartDecoder.TEMPLATE_ID:
                sessionStart.wrap(view, body, blockLength, version);
                sessionStart.sbeSkip();
                length = MessageHeaderDecoder.ENCODED_LENGTH + sessionStart.encodedLength();
                break;
            case SessionEndDecoder.TEMPLATE_ID:
                sessionEnd.wrap(view, body, blockLength, version);
                sessionEnd.sbeSkip();
                length = MessageHeaderDecoder.ENCODED_LENGTH + sessionEnd.encodedLength();
                break;
            default:
                fail(RejectReason.BAD_SBE, "message " + count + " at byte " + at + ": template id " +
                    header.templateId() + " is not TelemetryFrame (1), SessionStart (2) or SessionEnd (3)");
                return -1;
        }
        if (length > remaining)
        {
            throw new IndexOutOfBoundsException();
        }
        if (length > maxMessageBytes)
        {
            fail(RejectReason.BODY_TOO_LARGE, "message " + count + " at byte " + at + " is " + length +
                " bytes; a frame may have at most " + maxMessageBytes);
            return -1;
        }
        return length;
    }

    private boolean samples(final int at, final boolean allowRestricted)
    {
        int index = 0;
        for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
        {
            final int id = sample.parameterId();
            final ParameterDefinition definition = registry.byId(id);
            if (definition == null)
            {
                return fail(RejectReason.SBE_DICTIONARY, "message " + count + " at byte " + at + ", sample " + index +
                    ": parameter id " + id + " is not in dictionary " + registry.name());
            }
            final ValueType type = sample.valueType();
            if (type != definition.dataType().valueType())
            {
                return fail(RejectReason.SBE_DICTIONARY, "message " + count + " at byte " + at + ", sample " + index +
                    " (" + definition.name() + "): value type " + type + " but the dictionary says " +
                    definition.dataType().valueType());
            }
            final long bits = sample.value();
            final double value = type == ValueType.F32 || type == ValueType.F64 ? Double.longBitsToDouble(bits) :
                type == ValueType.U32 || type == ValueType.U16 || type == ValueType.U8 ? (double)bits : (double)bits;
            if (!definition.inRange(value))
            {
                return fail(RejectReason.SBE_DICTIONARY, "message " + count + " at byte " + at + ", sample " + index +
                    " (" + definition.name() + "): value " + value + " is outside [" + definition.min() + ", " +
                    definition.max() + "]");
            }
            if (definition.access() == AccessLevel.RESTRICTED && !allowRestricted)
            {
                return fail(RejectReason.RESTRICTED_CHANNEL, "message " + count + " at byte " + at + ", sample " +
                    index + ": channel " + definition.name() + " is restricted and this client is not allowed it");
            }
            index++;
        }
        return true;
    }

    private boolean fail(final RejectReason reason, final String message)
    {
        this.reason = reason;
        this.error = message;
        return false;
    }

    public int count()
    {
        return count;
    }

    public int offset(final int i)
    {
        return offsets[i];
    }

    public int length(final int i)
    {
        return lengths[i];
    }

    public String error()
    {
        return error;
    }

    public RejectReason reason()
    {
        return reason;
    }
}
