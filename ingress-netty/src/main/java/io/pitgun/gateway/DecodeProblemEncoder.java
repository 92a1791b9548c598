package io.pitgun.gateway;

import io.pitgun.codecs.envelope.DecodeError;

/**
 * Encodes one envelope's decode error as the JSON object an answer lists under {@code errors}: {@code index},
 * {@code event_id} (when it can be found), {@code code}, {@code status}, {@code pointer}, {@code frame} (when the
 * pointer names one), {@code byte_offset} in the body and in the envelope, {@code message}. Cold path: only
 * refused envelopes get here.
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
        final StringBuilder out = new StringBuilder(160).append('{');
        JsonText.key(out, "index").append(index).append(',');
        final String eventId = EventIdSniffer.find(body, start, length);
        if (eventId != null)
        {
            JsonText.key(out, "event_id");
            JsonText.quote(out, eventId).append(',');
        }
        JsonText.key(out, "code");
        JsonText.quote(out, error.code().name()).append(',');
        JsonText.key(out, "status").append(RejectReason.of(error.code()).status()).append(',');
        JsonText.key(out, "pointer");
        JsonText.quote(out, error.pointer()).append(',');
        final int frame = frameIndex(error.pointer());
        if (frame >= 0)
        {
            JsonText.key(out, "frame").append(frame).append(',');
        }
        JsonText.key(out, "byte_offset").append(envelopeOffsetInBody + error.byteOffset()).append(',');
        JsonText.key(out, "envelope_byte_offset").append(error.byteOffset()).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, error.message());
        return out.append('}').toString();
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
