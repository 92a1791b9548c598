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
     * A problem inside a formula string: {@code offset} is a character offset into the formula. Plain and quoted
     * one-line scalars map exactly; block scalars ({@code |}, {@code >}) map by their content lines.
     */
    ManifestProblem inFormula(final String pointer, final String formula, final int offset, final String reason)
    {
        final TextLocation start = document.locateNearest(pointer);
        final String line = line(start.line());
        final int index = start.column() - 1;
        final char first = index < line.length() ? line.charAt(index) : ' ';
        final int clamped = Math.max(0, Math.min(offset, formula.length()));
        if (first == '|' || first == '>')
        {
            int lineOffset = 0;
            int lineStart = 0;
            for (int i = 0; i < clamped; i++)
            {
                if (formula.charAt(i) == '\n')
                {
                    lineOffset++;
                    lineStart = i + 1;
                }
            }
            final int lineNumber = start.line() + 1 + lineOffset;
            final String contentLine = line(lineNumber);
            int indent = 0;
            while (indent < contentLine.length() && contentLine.charAt(indent) == ' ')
            {
                indent++;
            }
            return problem(new TextLocation(lineNumber, indent + clamped - lineStart + 1), reason);
        }
        final int quote = first == '"' || first == '\'' ? 1 : 0;
        return problem(new TextLocation(start.line(), start.column() + quote + clamped), reason);
    }

    private ManifestProblem problem(final TextLocation location, final String reason)
    {
        return new ManifestProblem(document.path(), location, reason, document.excerpt(location));
    }

    private String line(final int number)
    {
        return number >= 1 && number <= lines.length ? lines[number - 1] : "";
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
