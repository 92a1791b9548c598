package io.pitgun.manifest;

import io.pitgun.schemas.TextLocation;

import java.nio.file.Path;

/**
 * One problem in a manifest, at a place a person can find.
 *
 * @param file     the manifest file.
 * @param location line and column (from 1), or null when the problem has no position (e.g. a missing file).
 * @param reason   what is wrong, as a sentence.
 * @param excerpt  the offending source line and a caret line under the column, or "" without a location.
 */
public record ManifestProblem(Path file, TextLocation location, String reason, String excerpt)
{
    /** {@code file:line:column: reason}, then the excerpt lines. */
    public String format()
    {
        if (location == null)
        {
            return file + ": " + reason;
        }
        return file + ":" + location + ": " + reason + (excerpt.isEmpty() ? "" : System.lineSeparator() + excerpt);
    }
}
