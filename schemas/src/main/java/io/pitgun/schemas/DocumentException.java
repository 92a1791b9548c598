package io.pitgun.schemas;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A document could not be read or parsed. The message names the file, the line and column when
 * known, and shows the offending source line with a caret under the column:
 *
 * <pre>
 * manifest.yaml:4:9: duplicate key 'name' (first at 3:5)
 *     name: Power_kW
 *         ^
 * </pre>
 */
public final class DocumentException extends Exception
{
    private final Path path;
    private final TextLocation location;
    private final String reason;
    private final String sourceLine;

    /**
     * @param path       the file (or source name) being read
     * @param location   where the problem is, or {@code null} when it is not tied to a position (e.g. an I/O error)
     * @param reason     what is wrong, as a sentence without the location
     * @param sourceLine the text of the offending line, or {@code ""} when there is no location
     * @param cause      the underlying parser or I/O exception, may be {@code null}
     */
    public DocumentException(
        final Path path, final TextLocation location, final String reason, final String sourceLine, final Throwable cause)
    {
        super(format(path, location, reason, sourceLine), cause);
        this.path = Objects.requireNonNull(path, "path");
        this.location = location;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.sourceLine = sourceLine == null ? "" : sourceLine;
    }

    /**
     * @return the file (or source name) being read
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return where the problem is, if it is tied to a position
     */
    public Optional<TextLocation> location()
    {
        return Optional.ofNullable(location);
    }

    /**
     * @return what is wrong, without file or position
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return the text of the offending line, {@code ""} when there is no location
     */
    public String sourceLine()
    {
        return sourceLine;
    }

    /**
     * @return a line with a caret under the offending column, {@code ""} when there is no location
     */
    public String caretLine()
    {
        return location == null ? "" : SourceExcerpt.caret(sourceLine, location.column());
    }

    private static String format(
        final Path path, final TextLocation location, final String reason, final String sourceLine)
    {
        if (location == null)
        {
            return path + ": " + reason;
        }
        final String line = sourceLine == null ? "" : sourceLine;
        return path + ":" + location + ": " + reason + System.lineSeparator() +
            line + System.lineSeparator() + SourceExcerpt.caret(line, location.column());
    }
}
