package io.pitgun.manifest;

import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.TextLocation;

/**
 * Maps places in a manifest (a JSON Pointer, optionally plus a character offset inside a formula string) to a line
 * and column of the file, and builds the problem a person reads.
 */
final class SourceLocator
{
    private final ParsedDocument document;
    private final String[] lines;

    SourceLocator(final ParsedDocument document)
    {
        this.document = document;
        this.lines = document.text().split("\\r\\n|\\r|\\n", -1);
    }

    /** A problem at the value a pointer names (or its nearest existing ancestor). */
    ManifestProblem at(final String pointer, final String reason)
    {
        return problem(document.locateNearest(pointer), reason);
    }

    /**
     * A problem inside a formula string: {@code offset} is a character offset into the formula (at most its length:
     * the end). Every YAML style and JSON strings map exactly ({@link ScalarPositions}).
     */
    ManifestProblem inFormula(final String pointer, final String formula, final int offset, final String reason)
    {
        final int clamped = Math.max(0, Math.min(offset, formula.length()));
        return problem(ScalarPositions.locate(lines, document.locateNearest(pointer), formula, clamped), reason);
    }

    private ManifestProblem problem(final TextLocation location, final String reason)
    {
        return new ManifestProblem(document.path(), location, reason, document.excerpt(location));
    }

    /** {@code /pipeline/0/derived_channels/1/expr} → {@code pipeline[0].derived_channels[1].expr}. */
    static String describe(final String pointer)
    {
        if (pointer.isEmpty())
        {
            return "the document";
        }
        final StringBuilder sb = new StringBuilder();
        for (final String token : pointer.substring(1).split("/", -1))
        {
            final String name = token.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit))
            {
                sb.append('[').append(name).append(']');
            }
            else
            {
                sb.append(sb.length() == 0 ? "" : ".").append(name);
            }
        }
        return sb.toString();
    }
}
