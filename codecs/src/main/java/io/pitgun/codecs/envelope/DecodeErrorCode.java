package io.pitgun.codecs.envelope;

/**
 * Why an envelope was rejected. The {@link Category} tells an ingress which answer to give (HTTP 400, 413 or
 * 422) without parsing messages.
 */
public enum DecodeErrorCode
{
    /** Not JSON at all, or JSON that ends early, has bad escapes, invalid UTF-8 or trailing data. */
    MALFORMED_JSON(Category.MALFORMED),
    /** A configured limit was exceeded: total size, nesting depth, frames, samples or string length. */
    LIMIT_EXCEEDED(Category.LIMIT),
    /** A required field is absent. */
    MISSING_FIELD(Category.CONTRACT),
    /** A field holds the wrong JSON type (e.g. a string where an integer belongs). */
    WRONG_TYPE(Category.CONTRACT),
    /** A field the contract does not define. */
    UNEXPECTED_FIELD(Category.CONTRACT),
    /** The same field twice in one object (JSON allows it; the envelope contract does not). */
    DUPLICATE_FIELD(Category.CONTRACT),
    /** A value outside the contract: wrong constant or enum member, bad channel name, integer out of bounds. */
    INVALID_VALUE(Category.CONTRACT),
    /** A string that must be a UUID is not one. */
    BAD_UUID(Category.CONTRACT),
    /** A string that must be an RFC 3339 timestamp is not one. */
    BAD_TIMESTAMP(Category.CONTRACT),
    /** A channel name the dictionary does not define. */
    UNKNOWN_CHANNEL(Category.DICTIONARY),
    /** The same channel twice in one frame. */
    DUPLICATE_CHANNEL(Category.DICTIONARY),
    /** A value of the wrong type for its channel (a boolean for a float channel, 12.5 for an integer channel). */
    VALUE_WRONG_TYPE(Category.DICTIONARY),
    /** A value outside its channel's dictionary range. */
    VALUE_OUT_OF_RANGE(Category.DICTIONARY),
    /** A restricted channel from a client that is not allowed to send it. */
    RESTRICTED_CHANNEL(Category.DICTIONARY),
    /** The caller's output buffer cannot hold the encoded frames. */
    OUTPUT_TOO_SMALL(Category.LIMIT);

    /** Groups of codes that call for the same answer. */
    public enum Category
    {
        /** The bytes are not a JSON document. */
        MALFORMED,
        /** Too big or too deep. */
        LIMIT,
        /** Valid JSON that breaks the {@code pitgun-envelope/v1} schema. */
        CONTRACT,
        /** Schema-valid but refused by the dictionary. */
        DICTIONARY
    }

    private final Category category;

    DecodeErrorCode(final Category category)
    {
        this.category = category;
    }

    /** The group this code belongs to. */
    public Category category()
    {
        return category;
    }
}
