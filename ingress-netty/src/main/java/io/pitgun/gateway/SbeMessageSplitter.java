package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.frame.FrameProblem;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.frame.FrameValidator;
import org.agrona.DirectBuffer;

/**
 * Splits a binary WebSocket message into its SBE messages ({@code TelemetryFrame}, {@code SessionStart},
 * {@code SessionEnd} back to back), each found and checked by the one {@link FrameValidator} rule at
 * {@link FrameValidator.Level#DICTIONARY} (the rule a JSON envelope's frames meet; this class has no frame rule of
 * its own, only the gateway's limits: not empty, at most so many messages, each within a slot). The pipeline takes
 * the split messages through {@code tryPublishValidatedBatch} without checking them again: one check per frame.
 * On success {@link #count()} messages with their offsets and lengths; on failure {@link #error()} names the
 * message index, its byte offset and the problem, and
 * {@link #reason()} how it is counted. Allocation-free on success; one per event-loop thread.
 */
public final class SbeMessageSplitter
{
    private final FrameValidator validator;
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
    public SbeMessageSplitter(final ParameterRegistry registry, final int maxMessages, final int maxMessageBytes)
    {
        this.validator = new FrameValidator(registry, DecoderLimits.SCHEMA_MAX_SAMPLES);
        this.offsets = new int[maxMessages];
        this.lengths = new int[maxMessages];
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Splits and checks {@code buffer[offset, offset + length)}; {@link #absoluteOffsets()} says where each is. */
    public boolean split(final DirectBuffer buffer, final int offset, final int length, final boolean allowRestricted)
    {
        count = 0;
        error = null;
        reason = null;
        if (length == 0)
        {
            return fail(RejectReason.BAD_SBE, "empty binary message: send one or more Pitgun SBE messages");
        }
        validator.allowRestricted(allowRestricted);
        int position = 0;
        while (position < length)
        {
            if (count == offsets.length)
            {
                return fail(RejectReason.TOO_MANY_ENVELOPES, "more than " + offsets.length + " SBE messages in one binary message");
            }
            final long result = validator.validate(buffer, offset + position, length - position,
                FrameValidator.Level.DICTIONARY);
            if (!FrameStructure.isReadable(result))
            {
                return fail(reasonOf(validator.problem()), "message " + count + " at byte " + position + ": " +
                    validator.describe());
            }
            final int messageLength = FrameStructure.messageLength(result);
            if (messageLength > maxMessageBytes)
            {
                return fail(RejectReason.BODY_TOO_LARGE, "message " + count + " at byte " + position + " is " +
                    messageLength + " bytes; a frame may have at most " + maxMessageBytes);
            }
            offsets[count] = offset + position;
            lengths[count] = messageLength;
            count++;
            position += messageLength;
        }
        return true;
    }

    /** How a validator problem is counted: by the rule it breaks. */
    static RejectReason reasonOf(final FrameProblem problem)
    {
        if (problem == FrameProblem.RESTRICTED_CHANNEL)
        {
            return RejectReason.RESTRICTED_CHANNEL;
        }
        switch (problem.kind())
        {
            case STRUCTURE: return RejectReason.BAD_SBE;
            case CONTRACT: return RejectReason.SBE_CONTRACT;
            default: return RejectReason.SBE_DICTIONARY;
        }
    }

    private boolean fail(final RejectReason reason, final String message)
    {
        this.reason = reason;
        this.error = message;
        return false;
    }

    /** SBE messages in the last split binary message. */
    public int count()
    {
        return count;
    }

    /** Where each message starts in the validated buffer (the first {@link #count()} entries). */
    int[] absoluteOffsets()
    {
        return offsets;
    }

    /** Each message's length (the first {@link #count()} entries). */
    int[] lengths()
    {
        return lengths;
    }

    /** What is wrong with the last refused binary message, or null. */
    public String error()
    {
        return error;
    }

    /** How the last refusal is counted, or null. */
    public RejectReason reason()
    {
        return reason;
    }
}
