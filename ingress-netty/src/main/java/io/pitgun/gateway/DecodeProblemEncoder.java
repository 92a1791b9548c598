package io.pitgun.gateway;

import io.pitgun.codecs.envelope.DecodeError;

/**
 * Encodes one refused envelope's problem as the JSON object an answer lists under {@code errors}: {@code index},
 * {@code event_id} (when it can be found), {@code code}, {@code status}, {@code pointer}, {@code frame} (when the
 * pointer names one), then for a decode error {@code byte_offset} in the body and in the envelope, for a limit
 * ({@link TuningLimitGate}) the limit, value and bound; last {@code message}. Cold path: only refused envelopes get
 * here.
 */
final class DecodeProblemEncoder
{
    private DecodeProblemEncoder()
    {
    }

    /**
     * @param index                the envelope's index in the body.
     * @param envelopeOffsetInBody where the envelope starts, relative to the first envelope.
     * @param error                what the decoder found.
     * @param body                 the body, to find the envelope's {@code event_id} in.
     * @param start                the envelope's first byte in {@code body}.
     * @param length               the envelope's length.
     */
    static String encode(final int index, final int envelopeOffsetInBody, final DecodeError error,
        final byte[] body, final int start, final int length)
    {
        final StringBuilder out = head(index, EventIdSniffer.find(body, start, length),
            error.code().name(), RejectReason.of(error.code()).status(), error.pointer());
        JsonText.key(out, "byte_offset").append(envelopeOffsetInBody + error.byteOffset()).append(',');
        JsonText.key(out, "envelope_byte_offset").append(error.byteOffset()).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, error.message());
        return out.append('}').toString();
    }

    /**
     * The entry of a body (or text message) {@code splitter} could not split, as a decode error's: the
     * {@code index} of the envelope it broke in or before ({@link BeaconBodySplitter#count()}: those before it
     * split), its {@code event_id} when that can be read, {@code code} {@code MALFORMED_JSON} (or
     * {@code TOO_MANY_ENVELOPES}), {@code pointer} "" (the top level), {@code byte_offset} in the body,
     * {@code envelope_byte_offset} in the envelope it broke in (0 between envelopes), {@code message}.
     *
     * @param offset where the body starts in {@code body}; {@code length} its length.
     */
    static String encodeUnsplittable(final BeaconBodySplitter splitter, final RejectReason reason, final byte[] body,
        final int offset, final int length)
    {
        final int envelope = splitter.errorEnvelopeOffset();
        final String eventId = envelope < 0 ? null :
            EventIdSniffer.find(body, offset + envelope, length - envelope);
        final StringBuilder out = head(splitter.count(), eventId, reason.name(), reason.status(), "");
        JsonText.key(out, "byte_offset").append(splitter.errorOffset()).append(',');
        JsonText.key(out, "envelope_byte_offset").append(envelope < 0 ? 0 : splitter.errorOffset() - envelope)
            .append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, splitter.error());
        return out.append('}').toString();
    }

    /**
     * The entry of an envelope refused by a limit after it decoded (a tuning limit): {@code index},
     * {@code event_id}, {@code code}, {@code status}, {@code pointer}, {@code frame} as for a decode error, then
     * {@code limit}, {@code channel} (when the limit bounds one), {@code value}, {@code bound}, {@code message}.
     *
     * @param eventId the envelope's {@code event_id}, or null when it is not known.
     * @param value   the value found, as JSON (a number).
     * @param bound   the bound it passes, as JSON (a number).
     */
    static String encodeLimit(final int index, final String eventId, final RejectReason reason, final String pointer,
        final String limit, final String channel, final String value, final String bound, final String message)
    {
        final StringBuilder out = head(index, eventId, reason.name(), reason.status(), pointer);
        JsonText.key(out, "limit");
        JsonText.quote(out, limit).append(',');
        if (channel != null)
        {
            JsonText.key(out, "channel");
            JsonText.quote(out, channel).append(',');
        }
        JsonText.key(out, "value").append(value).append(',');
        JsonText.key(out, "bound").append(bound).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, message);
        return out.append('}').toString();
    }

    /** The members every entry starts with, each followed by a comma. */
    private static StringBuilder head(final int index, final String eventId, final String code, final int status,
        final String pointer)
    {
        final StringBuilder out = new StringBuilder(256).append('{');
        JsonText.key(out, "index").append(index).append(',');
        if (eventId != null)
        {
            JsonText.key(out, "event_id");
            JsonText.quote(out, eventId).append(',');
        }
        JsonText.key(out, "code");
        JsonText.quote(out, code).append(',');
        JsonText.key(out, "status").append(status).append(',');
        JsonText.key(out, "pointer");
        JsonText.quote(out, pointer).append(',');
        final int frame = frameIndex(pointer);
        if (frame >= 0)
        {
            JsonText.key(out, "frame").append(frame).append(',');
        }
        return out;
    }

    /** The frame index in a pointer like {@code /payload/frames/3/samples/Speed}, or -1. */
    static int frameIndex(final String pointer)
    {
        final String prefix = "/payload/frames/";
        if (!pointer.startsWith(prefix))
        {
            return -1;
        }
        int i = prefix.length();
        int value = 0;
        boolean digits = false;
        while (i < pointer.length() && Character.isDigit(pointer.charAt(i)))
        {
            value = value * 10 + (pointer.charAt(i) - '0');
            digits = true;
            i++;
        }
        return digits ? value : -1;
    }
}
