package io.pitgun.codecs.envelope;

/**
 * The reason the last {@link EnvelopeDecoder#decode} call failed. One instance per decoder, overwritten by the
 * next failure: copy what you need ({@link #toString()} is a complete human-readable line) before decoding again.
 * Building it allocates, which is fine: rejection is the cold path.
 */
public final class DecodeError
{
    private DecodeErrorCode code;
    private String pointer = "";
    private int byteOffset;
    private String message = "";

    void set(final DecodeErrorCode code, final String pointer, final int byteOffset, final String message)
    {
        this.code = code;
        this.pointer = pointer;
        this.byteOffset = byteOffset;
        this.message = message;
    }

    void clear()
    {
        code = null;
        pointer = "";
        byteOffset = 0;
        message = "";
    }

    /** What went wrong, or {@code null} when the last decode succeeded. */
    public DecodeErrorCode code()
    {
        return code;
    }

    /** RFC 6901 JSON Pointer of the offending value ({@code ""} is the whole envelope). */
    public String pointer()
    {
        return pointer;
    }

    /** Offset in bytes from the start of the envelope where the problem was found. */
    public int byteOffset()
    {
        return byteOffset;
    }

    /** A sentence a person understands, naming the field and, for unknown channels, the nearest known names. */
    public String message()
    {
        return message;
    }

    @Override
    public String toString()
    {
        return code + " at " + (pointer.isEmpty() ? "(envelope)" : pointer) + " (byte " + byteOffset + "): " + message;
    }
}
