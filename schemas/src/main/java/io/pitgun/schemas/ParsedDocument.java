package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSON or YAML document read into a Jackson tree, together with the source position of every
 * value, so that a problem found in the tree (a JSON Pointer) can be shown at its place in the file.
 *
 * <p>Instances are immutable; {@link DocumentReader} creates them.
 */
public final class ParsedDocument
{
    private final Path path;
    private final DocumentFormat format;
    private final String text;
    private final JsonNode root;
    private final Map<String, TextLocation> locations;

    ParsedDocument(
        final Path path,
        final DocumentFormat format,
        final String text,
        final JsonNode root,
        final Map<String, TextLocation> locations)
    {
        this.path = path;
        this.format = format;
        this.text = text;
        this.root = root;
        this.locations = Map.copyOf(locations);
    }

    /**
     * @return the file the document came from (or the source name it was parsed under)
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the format it was parsed as
     */
    public DocumentFormat format()
    {
        return format;
    }

    /**
     * @return the source text exactly as read
     */
    public String text()
    {
        return text;
    }

    /**
     * @return the document's root node
     */
    public JsonNode root()
    {
        return root;
    }

    /**
     * Finds where the value at a JSON Pointer starts in the source: the opening brace or bracket of
     * an object or array (in YAML block style, its first key or dash), or the first character of a scalar.
     *
     * @param pointer a JSON Pointer, {@code ""} for the root
     * @return its location, or empty if no value exists at that pointer
     */
    public Optional<TextLocation> locate(final String pointer)
    {
        return Optional.ofNullable(locations.get(Objects.requireNonNull(pointer, "pointer")));
    }

    /**
     * Like {@link #locate(String)}, but when the pointer names a value that does not exist (a missing
     * required property, say) falls back to its nearest existing ancestor, ending at the root.
     *
     * @param pointer a JSON Pointer, {@code ""} for the root
     * @return the location of the value or of its nearest existing ancestor
     */
    public TextLocation locateNearest(final String pointer)
    {
        String current = Objects.requireNonNull(pointer, "pointer");
        while (true)
        {
            final TextLocation location = locations.get(current);
            if (location != null)
            {
                return location;
            }
            if (current.isEmpty())
            {
                return new TextLocation(1, 1);
            }
            current = current.substring(0, Math.max(0, current.lastIndexOf('/')));
        }
    }

    /**
     * Renders the source line at a location with a caret under its column.
     *
     * @param location a position in this document
     * @return two lines: the source line, then a caret line
     */
    public String excerpt(final TextLocation location)
    {
        return SourceExcerpt.render(text, Objects.requireNonNull(location, "location"));
    }

    @Override
    public String toString()
    {
        return "ParsedDocument{" + path + ", " + format + ", " + locations.size() + " values}";
    }
}
