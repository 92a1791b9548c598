package io.pitgun.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads JSON and YAML documents into Jackson trees while recording the source position of every
 * value, so that schema problems can be reported as {@code file:line:column} with the source line.
 *
 * <p>Stricter than a plain {@code ObjectMapper}: a key repeated in the same object is an error in
 * both formats (YAML would otherwise keep the last one silently), a file must hold exactly one
 * document, no more than {@link #MAX_NESTING} objects and arrays nest inside each other, and every error names the
 * file and position.
 *
 * <p>Cold path: meant for configuration, manifests and contract files, not for the ingest path.
 */
public final class DocumentReader
{
    /**
     * How many objects and arrays may nest inside each other. Below the parser's own limit (1,000), so that a
     * deeper document is refused here, at the value that goes too deep, in words a person can act on.
     */
    public static final int MAX_NESTING = 500;

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder().build();
    private static final JsonFactory YAML_FACTORY = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DocumentReader()
    {
    }

    /**
     * Reads a UTF-8 file; the format comes from its extension ({@link DocumentFormat#of(Path)}).
     *
     * @param path a {@code .json}, {@code .yaml} or {@code .yml} file
     * @return the parsed document
     * @throws DocumentException if the file cannot be read, has another extension, or does not parse
     */
    public static ParsedDocument read(final Path path) throws DocumentException
    {
        Objects.requireNonNull(path, "path");
        final DocumentFormat format;
        try
        {
            format = DocumentFormat.of(path);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DocumentException(path, null, ex.getMessage(), "", null);
        }
        return parse(path, readText(path), format);
    }

    /**
     * The text of a UTF-8 file, for a document read with a format of its own choosing.
     *
     * @throws DocumentException naming the file: not found, not valid UTF-8 text, or not readable
     */
    public static String readText(final Path path) throws DocumentException
    {
        try
        {
            return Files.readString(path, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new DocumentException(path, null, "file not found", "", ex);
        }
        catch (final CharacterCodingException ex)
        {
            throw new DocumentException(path, null, "file is not valid UTF-8 text", "", ex);
        }
        catch (final IOException ex)
        {
            throw new DocumentException(path, null, "cannot read file: " + ex, "", ex);
        }
    }

    /**
     * Reads a UTF-8 resource from this module's class path, e.g. {@code dictionaries/sim.v1.yaml};
     * the format comes from its extension.
     *
     * @param resource class path resource name, without a leading {@code /}
     * @return the parsed document, with the resource name as its path
     * @throws DocumentException if the resource is missing, has another extension, or does not parse
     */
    public static ParsedDocument readResource(final String resource) throws DocumentException
    {
        Objects.requireNonNull(resource, "resource");
        final Path name = Path.of(resource);
        final DocumentFormat format;
        try
        {
            format = DocumentFormat.of(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DocumentException(name, null, ex.getMessage(), "", null);
        }
        try (InputStream in = DocumentReader.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new DocumentException(name, null, "class path resource not found", "", null);
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), format);
        }
        catch (final IOException ex)
        {
            throw new DocumentException(name, null, "cannot read class path resource: " + ex, "", ex);
        }
    }

    /**
     * Parses text already in memory.
     *
     * @param sourceName the name to report in locations and errors (a file name, {@code <stdin>}, ...)
     * @param text       the document text
     * @param format     how to parse it
     * @return the parsed document
     * @throws DocumentException if the text does not parse, is empty, holds more than one document
     *                           or repeats a key within one object
     */
    public static ParsedDocument parse(final Path sourceName, final String text, final DocumentFormat format)
        throws DocumentException
    {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(format, "format");
        // A byte order mark is legal at the start of a UTF-8 file but is not part of the document.
        final String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return new TreeBuilder(sourceName, body, format).build();
    }

    /**
     * Builds the tree from the token stream, remembering where each value's first token starts.
     */
    private static final class TreeBuilder
    {
        private final Path path;
        private final String text;
        private final DocumentFormat format;
        private final Map<String, TextLocation> locations = new HashMap<>();
        private final Map<String, TextLocation> keyLocations = new HashMap<>();
        private JsonParser parser;
        private int depth;

        TreeBuilder(final Path path, final String text, final DocumentFormat format)
        {
            this.path = path;
            this.text = text;
            this.format = format;
        }

        ParsedDocument build() throws DocumentException
        {
            final JsonFactory factory = format == DocumentFormat.JSON ? JSON_FACTORY : YAML_FACTORY;
            try (JsonParser p = factory.createParser(text))
            {
                parser = p;
                if (p.nextToken() == null)
                {
                    throw error(new TextLocation(1, 1), "the document is empty");
                }
                final JsonNode root = readValue("");
                final JsonToken trailing = p.nextToken();
                if (trailing != null)
                {
                    throw error(tokenLocation(), format == DocumentFormat.YAML ?
                        "only one YAML document is allowed per file" :
                        "unexpected content after the end of the JSON document");
                }
                return new ParsedDocument(path, format, text, root, locations);
            }
            catch (final JsonProcessingException ex)
            {
                throw parseError(ex);
            }
            catch (final IOException ex)
            {
                // Reading from a String cannot fail with real I/O; anything here is a parser complaint.
                throw error(null, "cannot parse " + format + ": " + ex.getMessage());
            }
        }

        private JsonNode readValue(final String pointer) throws IOException, DocumentException
        {
            final JsonToken token = parser.currentToken();
            locations.put(pointer, tokenLocation());
            if (parser instanceof YAMLParser && ((YAMLParser)parser).isCurrentAlias())
            {
                // Jackson hands an alias over as its name, which would silently turn "*base" into a string.
                throw error(tokenLocation(), "YAML aliases (*" + parser.getText() + ") are not supported: " +
                    "write the value out in full");
            }
            if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth == MAX_NESTING)
            {
                throw error(tokenLocation(), "objects and arrays nested more than " + MAX_NESTING + " levels deep");
            }
            switch (token)
            {
                case START_OBJECT:
                    return nested(() -> readObject(pointer));
                case START_ARRAY:
                    return nested(() -> readArray(pointer));
                case VALUE_STRING:
                    return NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT:
                    return readInteger();
                case VALUE_NUMBER_FLOAT:
                    return parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL ?
                        NODES.numberNode(parser.getDecimalValue()) : NODES.numberNode(parser.getDoubleValue());
                case VALUE_TRUE:
                    return NODES.booleanNode(true);
                case VALUE_FALSE:
                    return NODES.booleanNode(false);
                case VALUE_NULL:
                    return NODES.nullNode();
                default:
                    throw error(tokenLocation(), "unsupported value (" + token + "): only objects, arrays, " +
                        "strings, numbers, booleans and null are allowed");
            }
        }

        /** How an object or array is read: one level deeper. */
        @FunctionalInterface
        private interface Container
        {
            JsonNode read() throws IOException, DocumentException;
        }

        private JsonNode nested(final Container container) throws IOException, DocumentException
        {
            depth++;
            try
            {
                return container.read();
            }
            finally
            {
                depth--;
            }
        }

        private JsonNode readInteger() throws IOException
        {
            switch (parser.getNumberType())
            {
                case INT:
                    return NODES.numberNode(parser.getIntValue());
                case LONG:
                    return NODES.numberNode(parser.getLongValue());
                default:
                    return NODES.numberNode(parser.getBigIntegerValue());
            }
        }

        private ObjectNode readObject(final String pointer) throws IOException, DocumentException
        {
            final ObjectNode object = NODES.objectNode();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final String key = parser.currentName();
                final String child = pointer + "/" + escape(key);
                final TextLocation keyLocation = tokenLocation();
                if (object.has(key))
                {
                    throw error(keyLocation, "duplicate key '" + key + "' (first at " + keyLocations.get(child) + ")");
                }
                keyLocations.put(child, keyLocation);
                parser.nextToken();
                object.set(key, readValue(child));
            }
            if (token != JsonToken.END_OBJECT)
            {
                throw error(tokenLocation(), "unexpected " + token + " inside an object");
            }
            return object;
        }

        private ArrayNode readArray(final String pointer) throws IOException, DocumentException
        {
            final ArrayNode array = NODES.arrayNode();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY)
            {
                if (token == null)
                {
                    throw error(tokenLocation(), "unexpected end of input inside an array");
                }
                array.add(readValue(pointer + "/" + array.size()));
            }
            return array;
        }

        private TextLocation tokenLocation()
        {
            return toTextLocation(parser.currentTokenLocation());
        }

        private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)]\\)", Pattern.DOTALL);

        private DocumentException parseError(final JsonProcessingException ex)
        {
            TextLocation location = toTextLocation(ex.getLocation());
            String reason = ex.getOriginalMessage();
            if (ex.getCause() instanceof MarkedYAMLException)
            {
                // SnakeYAML knows the exact mark and phrases the problem well; Jackson's copy of the
                // location can lag one token behind and its message repeats the source excerpt.
                final MarkedYAMLException yaml = (MarkedYAMLException)ex.getCause();
                if (yaml.getProblemMark() != null)
                {
                    location = new TextLocation(yaml.getProblemMark().getLine() + 1, yaml.getProblemMark().getColumn() + 1);
                }
                reason = yamlReason(yaml);
            }
            if (reason == null || reason.isBlank())
            {
                reason = ex.getClass().getSimpleName();
            }
            // Jackson appends a JSON-specific hint about the source to some messages; the location says it better.
            final int sourceHint = reason.indexOf("\n at [Source:");
            if (sourceHint >= 0)
            {
                reason = reason.substring(0, sourceHint);
            }
            // An unclosed array or object names where it was opened in Jackson's internal form ("(start marker at
            // [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 39])"): said as a user reads it.
            reason = START_MARKER.matcher(reason).replaceAll("(opened at line $1, column $2)");
            return new DocumentException(
                path,
                location,
                "invalid " + format + ": " + reason.strip().replaceAll("\\s*\\R\\s*", " "),
                location == null ? "" : SourceExcerpt.line(text, location.line()),
                ex);
        }

        private static String yamlReason(final MarkedYAMLException yaml)
        {
            final StringBuilder reason = new StringBuilder();
            if (yaml.getContext() != null)
            {
                reason.append(yaml.getContext());
                if (yaml.getContextMark() != null)
                {
                    reason.append(" (started at ")
                        .append(yaml.getContextMark().getLine() + 1).append(':')
                        .append(yaml.getContextMark().getColumn() + 1).append(')');
                }
                reason.append(": ");
            }
            return reason.append(yaml.getProblem() == null ? "malformed YAML" : yaml.getProblem()).toString();
        }

        private DocumentException error(final TextLocation location, final String reason)
        {
            return new DocumentException(
                path, location, reason, location == null ? "" : SourceExcerpt.line(text, location.line()), null);
        }

        private static TextLocation toTextLocation(final JsonLocation location)
        {
            if (location == null || location.getLineNr() < 1)
            {
                return null;
            }
            return new TextLocation(location.getLineNr(), Math.max(1, location.getColumnNr()));
        }
    }

    /**
     * Escapes one reference token of a JSON Pointer (RFC 6901 section 3).
     *
     * @param key an object key
     * @return the key with {@code ~} written {@code ~0} and {@code /} written {@code ~1}
     */
    static String escape(final String key)
    {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0)
        {
            return key;
        }
        return key.replace("~", "~0").replace("/", "~1");
    }
}
