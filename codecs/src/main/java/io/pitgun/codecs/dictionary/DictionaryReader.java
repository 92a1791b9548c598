package io.pitgun.codecs.dictionary;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import io.pitgun.schemas.TextLocation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a parsed {@code metrics-dictionary/v1} document into parameter definitions: schema validation first,
 * then the checks a schema cannot express (unique ids and names, non-empty ranges that the data type can hold).
 * Every problem names the entry by index and name. A seed registry ({@link SeedRegistryFormat}) is read into this
 * form first, its defaults reported as warnings. Cold path.
 */
final class DictionaryReader
{
    static final SchemaId SCHEMA = SchemaId.parse("metrics-dictionary/v1");

    private DictionaryReader()
    {
    }

    /** @param warnings what reading the text already assumed; the registry's warnings start with these. */
    static ParameterRegistry read(final String source, final JsonNode written, final List<String> warnings)
    {
        return read(source, written, warnings, null);
    }

    /**
     * @param locate where a JSON pointer of the written document is in its text, or null when there is no text:
     *               each problem then starts with {@code line:column: }, as a manifest's do.
     */
    static ParameterRegistry read(final String source, final JsonNode written, final List<String> warnings,
        final Function<String, TextLocation> locate)
    {
        final JsonNode document = SeedRegistryFormat.matches(written) ?
            SeedRegistryFormat.toDictionary(written, warnings) : written;
        final List<String> problems = new ArrayList<>();
        for (final SchemaProblem problem : SchemaCatalog.standard().validate(SCHEMA, document))
        {
            problems.add(located(locate, problem.pointer(), describe(document, problem)));
        }
        final int schemaProblems = problems.size();

        // The checks a schema cannot make run whatever the schema said (every problem at once, docs/contracts.md),
        // each on the fields it reads only where those have the type the schema requires: a field of the wrong
        // type is the schema's problem, not a duplicate or an empty range.
        final JsonNode parameters = document.path("parameters");
        final int count = parameters.isArray() ? parameters.size() : 0;
        final List<ParameterDefinition> definitions = new ArrayList<>(count);
        final Map<Long, String> namesById = new HashMap<>();
        final Map<String, String> namesByFoldedName = new HashMap<>();
        for (int i = 0; i < count; i++)
        {
            final JsonNode entry = parameters.get(i);
            final String name = entry.path("name").asText();
            final String where = "parameters[" + i + "] '" + name + "'";
            final JsonNode id = entry.path("id");
            final String previousWithId = id.isIntegralNumber() ? namesById.putIfAbsent(id.asLong(), name) : null;
            if (previousWithId != null)
            {
                problems.add(located(locate, "/parameters/" + i + "/id",
                    where + ": duplicate id " + id.asText() + " (already used by '" + previousWithId + "')"));
            }
            final String previousWithName = entry.path("name").isTextual() ?
                namesByFoldedName.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), name) : null;
            if (previousWithName != null)
            {
                problems.add(located(locate, "/parameters/" + i + "/name", where + ": duplicate name (already defined as '" +
                    previousWithName + "'; names are " +
                    "compared case-insensitively so producers cannot drift between spellings)"));
            }
            if (checkValues(entry, where, problemsAt(locate, "/parameters/" + i, problems)) && problems.isEmpty())
            {
                definitions.add(definition(entry));
            }
        }
        if (!problems.isEmpty())
        {
            throw new DictionaryException(source, problems, schemaProblems);
        }
        return new ParameterRegistry(document.path("name").asText(), definitions, document, warnings);
    }

    /** Where an entry's own problems go: {@code field} names the entry's field, for the location. */
    @FunctionalInterface
    private interface EntryProblems
    {
        void add(String field, String problem);
    }

    private static EntryProblems problemsAt(final Function<String, TextLocation> locate, final String entryPointer,
        final List<String> problems)
    {
        return (field, problem) -> problems.add(located(locate, entryPointer + "/" + field, problem));
    }

    /** {@code line:column: text} where {@code pointer} is in the text, else {@code text}. */
    private static String located(final Function<String, TextLocation> locate, final String pointer,
        final String text)
    {
        if (locate == null)
        {
            return text;
        }
        final TextLocation location = locate.apply(pointer);
        return location == null ? text : location.line() + ":" + location.column() + ": " + text;
    }

    /**
     * The checks of one entry's range and conversion a schema cannot make; each runs only when the fields it reads
     * have the schema's types. False when the entry has such a problem (added to {@code problems}).
     */
    private static boolean checkValues(final JsonNode entry, final String where, final EntryProblems problems)
    {
        final DataType dataType = dataType(entry);
        final JsonNode range = entry.path("range");
        if (dataType == DataType.BOOL)
        {
            if (!range.isMissingNode() && (range.path("min").asDouble() != 0 || range.path("max").asDouble() != 1))
            {
                problems.add("range", where + ": a bool channel's range is always {min: 0, max: 1}");
                return false;
            }
        }
        else if (dataType != null && range.path("min").isNumber() && range.path("max").isNumber())
        {
            final double min = range.path("min").asDouble();
            final double max = range.path("max").asDouble();
            if (!(min <= max))
            {
                problems.add("range", where + ": empty range, min " + range.path("min").asText() + " > max " +
                    range.path("max").asText());
                return false;
            }
            if (dataType.isInteger() && (min < dataType.minInteger() || max > dataType.maxInteger()))
            {
                problems.add("range", where + ": range [" + range.path("min").asText() + ", " + range.path("max").asText() +
                    "] does not fit data_type " + dataType.symbol() + " [" + dataType.minInteger() + ", " +
                    dataType.maxInteger() + "]");
                return false;
            }
            // The bounds are kept as doubles, and an integer channel's values are compared with them exactly (as
            // whole numbers): a bound a double does not hold (an i64 max of 1000000000000000001, read as 10^18) would
            // refuse the very value it names.
            final String inexact = dataType.isInteger() ? inexactBound(range) : null;
            if (inexact != null)
            {
                problems.add("range", where + ": range " + inexact + " is not a number a double holds exactly " +
                    "(an integer channel's bounds beyond 2^53 must be, such as 1000000000000000000)");
                return false;
            }
            if (dataType == DataType.F32 && (Math.abs(min) > Float.MAX_VALUE || Math.abs(max) > Float.MAX_VALUE))
            {
                problems.add("range", where + ": range does not fit data_type f32");
                return false;
            }
        }
        final JsonNode scale = entry.path("conversion").path("scale");
        if (scale.isNumber() && (scale.asDouble() == 0.0 || !Double.isFinite(scale.asDouble())))
        {
            problems.add("conversion/scale", where + ": conversion.scale must be a finite, non-zero number");
            return false;
        }
        return true;
    }

    // The entry's data type, or null when data_type is not one (the schema reports that).
    private static DataType dataType(final JsonNode entry)
    {
        try
        {
            return DataType.fromSymbol(entry.path("data_type").asText());
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /** The definition of an entry of a document that passed every check. */
    private static ParameterDefinition definition(final JsonNode entry)
    {
        final DataType dataType = DataType.fromSymbol(entry.path("data_type").asText());
        final JsonNode range = entry.path("range");
        final boolean bool = dataType == DataType.BOOL;
        final JsonNode conversionNode = entry.path("conversion");
        final Conversion conversion = conversionNode.isMissingNode() ? Conversion.IDENTITY : new Conversion(
            Unit.fromSymbol(conversionNode.path("raw_unit").asText()),
            conversionNode.path("scale").asDouble(1.0),
            conversionNode.path("offset").asDouble(0.0));
        return new ParameterDefinition(
            entry.path("id").asInt(),
            entry.path("name").asText(),
            Unit.fromSymbol(entry.path("unit").asText()),
            dataType,
            bool ? 0 : range.path("min").asDouble(),
            bool ? 1 : range.path("max").asDouble(),
            Dimension.fromSymbol(entry.path("dimension").asText()),
            AccessLevel.fromSymbol(entry.path("access").asText()),
            entry.path("description").asText(""),
            conversion);
    }

    // Schema problems speak in JSON pointers; a dictionary author thinks in entries, so name the entry too.
    private static String describe(final JsonNode document, final SchemaProblem problem)
    {
        final String pointer = problem.pointer();
        final String prefix = "/parameters/";
        if (pointer.startsWith(prefix))
        {
            final String rest = pointer.substring(prefix.length());
            final int slash = rest.indexOf('/');
            final String indexText = slash < 0 ? rest : rest.substring(0, slash);
            try
            {
                final int index = Integer.parseInt(indexText);
                final String name = document.path("parameters").path(index).path("name").asText("?");
                final String field = slash < 0 ? "" : " field " + rest.substring(slash + 1);
                return "parameters[" + index + "] '" + name + "'" + field + ": " + problem.message();
            }
            catch (final NumberFormatException ignored)
            {
                // fall through to the plain pointer form
            }
        }
        return (pointer.isEmpty() ? "(document)" : pointer) + ": " + problem.message();
    }

    /**
     * The first of an integer channel's bounds ({@code max 1000000000000000001}) whose whole-number limit, as the
     * decoder takes it from the double the bound is kept as ({@link ParameterDefinition#minWhole} /
     * {@link ParameterDefinition#maxWhole}), is not the bound's own (ceiling of min, floor of max, within a long), or
     * null. A bound at a type's limit (9223372036854775807, read as 2<sup>63</sup>) saturates to that limit and is
     * exact enough; 1000000000000000001, read as 10<sup>18</sup>, is not.
     */
    private static String inexactBound(final JsonNode range)
    {
        for (final String bound : new String[] { "min", "max" })
        {
            final JsonNode node = range.path(bound);
            final boolean min = bound.equals("min");
            final java.math.BigDecimal whole = node.decimalValue().setScale(0, min ? java.math.RoundingMode.CEILING :
                java.math.RoundingMode.FLOOR);
            final long exact = whole.max(java.math.BigDecimal.valueOf(Long.MIN_VALUE))
                .min(java.math.BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
            final long kept = min ? ParameterDefinition.wholeAtLeast(node.asDouble()) :
                ParameterDefinition.wholeAtMost(node.asDouble());
            if (exact != kept)
            {
                return bound + " " + node.asText();
            }
        }
        return null;
    }
}
