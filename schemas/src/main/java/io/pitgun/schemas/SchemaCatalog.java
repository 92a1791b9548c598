package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.DisallowSchemaLoader;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every public Pitgun schema, loaded from the class path, and validation of documents against them.
 *
 * <p>The list of schemas is {@code schemas/index.txt} (one {@code name/version} per line; blank
 * lines and {@code #} comments are ignored). The URIs {@code https://pitgun.io/schemas/...} are
 * served from those resources and the draft 2020-12 meta-schema from the validator's own jar:
 * validation never touches the network, and a {@code $ref} to any other remote schema fails.
 *
 * <p>A {@code pattern}'s {@code $} matches only at the end of the string, as in ECMA-262 (not also before a final
 * line break, as in {@link java.util.regex}): {@code "Power\n"} is not a channel name.
 *
 * <p>Format assertions are enabled, so {@code "format": "uuid"} and {@code "format": "date-time"}
 * reject bad values rather than merely annotating them.
 *
 * <p>Thread-safe. Cold path: each schema is compiled once, on first use, then cached.
 */
public final class SchemaCatalog
{
    /** Class path resource listing every shipped schema. */
    public static final String INDEX_RESOURCE = "schemas/index.txt";

    /** {@code $schema} of every Pitgun schema. */
    public static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private static final class StandardHolder
    {
        static final SchemaCatalog STANDARD = load(SchemaCatalog.class.getClassLoader());
    }

    /**
     * Keywords whose complaint is about one member of an object rather than the object as a whole:
     * for these the problem points at the offending member, so that an editor can put the caret on it.
     */
    private static final Set<String> MEMBER_KEYWORDS = Set.of("additionalProperties", "unevaluatedProperties", "propertyNames");

    private final Map<SchemaId, String> texts;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final Map<SchemaId, JsonSchema> compiled = new ConcurrentHashMap<>();

    private SchemaCatalog(final Map<SchemaId, String> texts)
    {
        this.texts = Collections.unmodifiableMap(texts);
        final Map<String, String> byUri = new LinkedHashMap<>();
        texts.forEach((id, text) -> byUri.put(id.uri().toString(), text));
        this.factory = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.schemas(byUri).add(new OfflineGuard())));
        this.config = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .regularExpressionFactory(EcmaAnchoredRegularExpressionFactory.INSTANCE)
            // The library words its messages in the default locale: a tr_TR or de_DE user got Turkish or German
            // problems from `pitgun validate` next to English ones from everything else.
            .locale(java.util.Locale.ROOT)
            .build();
    }

    /**
     * The catalog of every schema listed in {@code schemas/index.txt} on this module's class path,
     * loaded once per JVM.
     *
     * @return the shared standard catalog
     * @throws IllegalStateException if the index lists a schema whose resource is missing
     */
    public static SchemaCatalog standard()
    {
        return StandardHolder.STANDARD;
    }

    /**
     * Loads the catalog from a class loader's {@code schemas/index.txt}; for tests and tools that
     * bring their own resources.
     *
     * @param classLoader where to find the index and the schema resources
     * @return a new catalog
     * @throws IllegalStateException if the index or a listed schema is missing, or the index is malformed
     */
    public static SchemaCatalog load(final ClassLoader classLoader)
    {
        final Map<SchemaId, String> texts = new LinkedHashMap<>();
        final String index = readResource(classLoader, INDEX_RESOURCE);
        int lineNumber = 0;
        for (final String rawLine : index.split("\\R"))
        {
            lineNumber++;
            final String line = rawLine.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final SchemaId id;
            try
            {
                id = SchemaId.parse(line);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalStateException(INDEX_RESOURCE + ":" + lineNumber + ": " + ex.getMessage(), ex);
            }
            if (texts.putIfAbsent(id, readResource(classLoader, id.resourcePath())) != null)
            {
                throw new IllegalStateException(INDEX_RESOURCE + ":" + lineNumber + ": " + id + " is listed twice");
            }
        }
        return new SchemaCatalog(texts);
    }

    /**
     * @return the ids of every schema in the catalog, in index order
     */
    public Set<SchemaId> ids()
    {
        return texts.keySet();
    }

    /**
     * @param id a schema id
     * @return whether the catalog holds it
     */
    public boolean contains(final SchemaId id)
    {
        return texts.containsKey(id);
    }

    /**
     * @param id a schema in the catalog
     * @return the schema's JSON text exactly as shipped
     * @throws IllegalArgumentException if the catalog has no such schema
     */
    public String schemaText(final SchemaId id)
    {
        final String text = texts.get(Objects.requireNonNull(id, "id"));
        if (text == null)
        {
            throw unknown(id);
        }
        return text;
    }

    /**
     * Validates a document against one schema.
     *
     * @param id       a schema in the catalog
     * @param document the document's root node
     * @return every problem found, once each, sorted by pointer; empty when the document is valid
     * @throws IllegalArgumentException if the catalog has no such schema
     */
    public List<SchemaProblem> validate(final SchemaId id, final JsonNode document)
    {
        Objects.requireNonNull(document, "document");
        if (!texts.containsKey(Objects.requireNonNull(id, "id")))
        {
            throw unknown(id);
        }
        final JsonSchema schema = compiled.computeIfAbsent(
            id, key -> factory.getSchema(SchemaLocation.of(key.uri().toString()), config));
        return toProblems(schema.validate(document));
    }

    /**
     * Validates a schema document against the JSON Schema draft 2020-12 meta-schema (bundled with
     * the validator, so offline).
     *
     * @param schemaDocument a schema as a tree
     * @return every problem found; empty when it is a well-formed draft 2020-12 schema
     */
    public List<SchemaProblem> validateAgainstMetaSchema(final JsonNode schemaDocument)
    {
        Objects.requireNonNull(schemaDocument, "schemaDocument");
        final JsonSchema metaSchema = factory.getSchema(SchemaLocation.of(DRAFT_2020_12), config);
        return toProblems(metaSchema.validate(schemaDocument));
    }

    private static final java.util.regex.Pattern FORMAT_WORDING =
        java.util.regex.Pattern.compile("^does not match the (\\S+) pattern (.+)$");

    private static List<SchemaProblem> toProblems(final Set<ValidationMessage> messages)
    {
        // One problem once: a value checked by several branches of a oneOf/anyOf (a manifest stage against each
        // stage type) fails each the same way, in messages that differ only in the schema path the reader never sees.
        final Set<SchemaProblem> problems = new LinkedHashSet<>(messages.size());
        for (final ValidationMessage message : messages)
        {
            String pointer = pointer(message.getInstanceLocation());
            if (MEMBER_KEYWORDS.contains(message.getType()) && message.getProperty() != null)
            {
                pointer = pointer + "/" + DocumentReader.escape(message.getProperty());
            }
            String text = message.getError();
            if ("false".equals(message.getType()) && !pointer.isEmpty())
            {
                // The validator's wording ("schema for 'range' is false") describes the schema, not the document.
                text = "'" + unescape(pointer.substring(pointer.lastIndexOf('/') + 1)) + "' is not allowed here";
            }
            if ("format".equals(message.getType()))
            {
                // The validator says "does not match the date-time pattern must be a valid RFC 3339 date-time".
                text = FORMAT_WORDING.matcher(text).replaceFirst("is not a valid $1: $2");
            }
            problems.add(new SchemaProblem(pointer, message.getType(), text));
        }
        final List<SchemaProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing(SchemaProblem::pointer).thenComparing(SchemaProblem::keyword));
        return withoutPatternsBehindFormats(sorted);
    }

    /**
     * A value the schema checks with both a {@code format} and a {@code pattern} (timestamps, UUIDs) fails both: the
     * format's words say what is wrong, the pattern's raw regular expression only repeats it. Keep the format's.
     */
    private static List<SchemaProblem> withoutPatternsBehindFormats(final List<SchemaProblem> problems)
    {
        final Set<String> formatPointers = new HashSet<>();
        for (final SchemaProblem problem : problems)
        {
            if ("format".equals(problem.keyword()))
            {
                formatPointers.add(problem.pointer());
            }
        }
        if (formatPointers.isEmpty())
        {
            return problems;
        }
        final List<SchemaProblem> kept = new ArrayList<>(problems.size());
        for (final SchemaProblem problem : problems)
        {
            if (!("pattern".equals(problem.keyword()) && formatPointers.contains(problem.pointer())))
            {
                kept.add(problem);
            }
        }
        return kept;
    }

    /**
     * Builds the RFC 6901 pointer from the path's elements rather than its text, so that keys holding
     * {@code /} or {@code ~} come out escaped whatever the validator's own path style is.
     */
    static String pointer(final JsonNodePath path)
    {
        final StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++)
        {
            final Object element = path.getElement(i);
            pointer.append('/');
            pointer.append(element instanceof Number ? element.toString() : DocumentReader.escape(element.toString()));
        }
        return pointer.toString();
    }

    private static String unescape(final String token)
    {
        return token.replace("~1", "/").replace("~0", "~");
    }

    private IllegalArgumentException unknown(final SchemaId id)
    {
        return new IllegalArgumentException("unknown schema '" + id + "'; known schemas: " + texts.keySet());
    }

    private static String readResource(final ClassLoader classLoader, final String resource)
    {
        try (InputStream in = classLoader.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing class path resource " + resource);
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                final StringBuilder text = new StringBuilder();
                final char[] buffer = new char[8192];
                int read;
                while ((read = reader.read(buffer)) >= 0)
                {
                    text.append(buffer, 0, read);
                }
                return text.toString();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read class path resource " + resource, ex);
        }
    }

    /**
     * Sits after the in-memory Pitgun schemas and before the validator's default loaders: class path
     * IRIs (where the bundled meta-schemas are mapped) pass through, anything else (http, https,
     * file) is refused, so a stray {@code $ref} can never reach the network.
     */
    private static final class OfflineGuard implements SchemaLoader
    {
        @Override
        public InputStreamSource getSchema(final AbsoluteIri absoluteIri)
        {
            final String iri = absoluteIri.toString();
            if (iri.startsWith("classpath:") || iri.startsWith("resource:"))
            {
                return null;
            }
            return DisallowSchemaLoader.getInstance().getSchema(absoluteIri);
        }
    }
}
