package io.pitgun.codecs.frame;

/**
 * What is wrong with a Pitgun SBE message, as {@link FrameStructure} and {@link FrameValidator} report it. Each
 * problem belongs to one {@link Kind}, which tells a caller how to answer it (a gateway maps kinds to its reject
 * reasons, a journal tool reports any of them as a bad message).
 */
public enum FrameProblem
{
    /** Fewer bytes than the header, a block, a group or a var-data field needs. */
    TRUNCATED(Kind.STRUCTURE, "the message needs more bytes than there are"),
    /** The header's schema id is not the Pitgun frame schema. */
    WRONG_SCHEMA(Kind.STRUCTURE, "schema id is not the Pitgun frame schema"),
    /** The header's template id names no message of the schema. */
    UNKNOWN_TEMPLATE(Kind.STRUCTURE, "unknown template id"),
    /** The header's block length is shorter than this build's fixed fields of the template. */
    BLOCK_LENGTH(Kind.STRUCTURE, "root block length is shorter than this build's fields"),
    /** The samples group's block length is shorter than this build's sample fields. */
    GROUP_BLOCK_LENGTH(Kind.STRUCTURE, "samples group block length is shorter than this build's fields"),
    /** A sample's valueType is not one of the schema's ValueType values. */
    UNDEFINED_VALUE_TYPE(Kind.STRUCTURE, "valueType is not a defined ValueType"),
    /** A sample's quality is not one of the schema's SignalQuality values. */
    UNDEFINED_QUALITY(Kind.STRUCTURE, "quality is not a defined SignalQuality"),
    /** A var-data field longer than the schema's maximum (1024 bytes). */
    VAR_DATA_TOO_LONG(Kind.STRUCTURE, "var-data field is longer than the schema allows"),
    /** A var-data string that is not well-formed UTF-8. */
    INVALID_UTF8(Kind.STRUCTURE, "var-data string is not valid UTF-8"),
    /** Bytes left over after one whole message where exactly one was expected. */
    TRAILING_BYTES(Kind.STRUCTURE, "bytes follow the end of the message"),

    /** Sequence outside [0, 2^53 - 1], the envelope contract's bound. */
    SEQUENCE_OUT_OF_RANGE(Kind.CONTRACT, "sequence is outside [0, 2^53 - 1]"),
    /** Timestamp outside [0, 2^53 - 1] microseconds, the envelope contract's bound. */
    TIMESTAMP_OUT_OF_RANGE(Kind.CONTRACT, "timestamp_us is outside [0, 2^53 - 1]"),
    /** A producer's frame with flags set: replayed, merged and derived are the engine's to set. */
    FLAGS_SET(Kind.CONTRACT, "flags are set; only the engine sets replayed, merged or derived"),
    /** No samples, or more than the contract's (or the configured) maximum. */
    SAMPLE_COUNT(Kind.CONTRACT, "sample count is outside [1, max samples per frame]"),
    /** A message only Pitgun itself writes (ManifestLoaded, PolicyLoaded, PipelineDrained), sent by a producer. */
    NOT_A_PRODUCER_MESSAGE(Kind.CONTRACT, "producers send TelemetryFrame, SessionStart or SessionEnd only"),
    /** A label of more code points than the contract allows (128). */
    LABEL_TOO_LONG(Kind.CONTRACT, "label has more than 128 characters"),

    /** A parameter id the dictionary does not define. */
    UNKNOWN_CHANNEL(Kind.DICTIONARY, "parameter id is not in the dictionary"),
    /** The same parameter id twice in one frame. */
    DUPLICATE_CHANNEL(Kind.DICTIONARY, "parameter id appears twice in one frame"),
    /** A valueType other than the dictionary's type for the parameter. */
    VALUE_WRONG_TYPE(Kind.DICTIONARY, "valueType differs from the dictionary's type"),
    /** A value its type cannot hold exactly (an F32 that is not a float, a BOOL other than 0 or 1, ...). */
    VALUE_NOT_REPRESENTABLE(Kind.DICTIONARY, "value is not exactly representable in the parameter's type"),
    /** A value outside the dictionary's range (NaN always is). */
    VALUE_OUT_OF_RANGE(Kind.DICTIONARY, "value is outside the dictionary's range"),
    /** A restricted channel from a client that may not send it. */
    RESTRICTED_CHANNEL(Kind.DICTIONARY, "channel is restricted");

    /** Which rule a problem breaks. */
    public enum Kind
    {
        /** The bytes cannot be read as a message of this build's schema. */
        STRUCTURE,
        /** Readable, but outside the bounds of the envelope contract ({@code pitgun-envelope/v1}). */
        CONTRACT,
        /** Readable and within the contract, but not what the dictionary says about a channel. */
        DICTIONARY
    }

    private static final FrameProblem[] VALUES = values();

    private final Kind kind;
    private final String summary;

    FrameProblem(final Kind kind, final String summary)
    {
        this.kind = kind;
        this.summary = summary;
    }

    /** The rule this problem breaks. */
    public Kind kind()
    {
        return kind;
    }

    /** One line saying what is wrong, without the message's values. */
    public String summary()
    {
        return summary;
    }

    static FrameProblem ofOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
