package io.pitgun.schemas;

import java.util.Objects;

/**
 * One reason a document does not satisfy its schema.
 *
 * <p>The pointer is the instance location the validator reports, with one refinement: when the
 * complaint is about a single member of an object ({@code additionalProperties},
 * {@code unevaluatedProperties}, {@code propertyNames}) it points at that member, e.g.
 * {@code /extra_field} rather than {@code ""}. A missing {@code required} property is reported at
 * the object that lacks it, since the property itself has no location.
 *
 * @param pointer JSON Pointer (RFC 6901) of the failing instance location; {@code ""} is the document root
 * @param keyword the schema keyword that failed, e.g. {@code required}, {@code pattern}, {@code format}
 * @param message a readable sentence for a person, naming the offending field or value
 */
public record SchemaProblem(String pointer, String keyword, String message)
{
    /**
     * Checks that no part is null.
     */
    public SchemaProblem
    {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @return {@code pointer: message [keyword]}, with the root written as {@code /}
     */
    @Override
    public String toString()
    {
        return (pointer.isEmpty() ? "/" : pointer) + ": " + message + " [" + keyword + "]";
    }
}
