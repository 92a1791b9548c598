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
        if (!problems.isEmpty())
        {
            throw new DictionaryException(source, problems);
        }

        final JsonNode parameters = document.path("parameters");
        final List<ParameterDefinition> definitions = new ArrayList<>(parameters.size());
        final Map<Integer, String> namesById = new HashMap<>();
        final Map<String, String> namesByFoldedName = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++)
        {
            final JsonNode entry = parameters.get(i);
            final String name = entry.path("name").asText();
            final String where = "parameters[" + i + "] '" + name + "'";
            final int id = entry.path("id").asInt();
            final String previousWithId = namesById.putIfAbsent(id, name);
            if (previousWithId != null)
            {
                problems.add(located(locate, "/parameters/" + i + "/id",
                    where + ": duplicate id " + id + " (already used by '" + previousWithId + "')"));
            }
            final String previousWithName = namesByFoldedName.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), name);
            if (previousWithName != null)
            {
                problems.add(located(locate, "/parameters/" + i + "/name", where + ": duplicate name (already defined as '" +
                    previousWithName + "'; names are " +
                    "compared case-insensitively so producers cannot drift between spellings)"));
            }
            final ParameterDefinition definition = definition(entry, where, problemsAt(locate, "/parameters/" + i,
                problems));
            if (definition != null)
            {
                definitions.add(definition);
            }
        }
        if (!problems.isEmpty())
        {
            throw new DictionaryException(source, problems);
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

    private static ParameterDefinition definition(final JsonNode entry, final String where,
        final EntryProblems problems)
    {
        final DataType dataType = DataType.fromSymbol(entry.path("data_type").asText());
        double min = 0;
        double max = 1;
        final JsonNode range = entry.path("range");
        if (dataType == DataType.BOOL)
        {
            if (!range.isMissingNode() && (range.path("min").asDouble() != 0 || range.path("max").asDouble() != 1))
            {
                problems.add("range", where + ": a bool channel's range is always {min: 0, max: 1}");
                return null;
            }
        }
        else
        {
            min = range.path("min").asDouble();
            max = range.path("max").asDouble();
            if (!(min <= max))
            {
                problems.add("range", where + ": empty range, min " + range.path("min").asText() + " > max " +
                    range.path("max").asText());
                return null;
            }
            if (dataType.isInteger() && (min < dataType.minInteger() || max > dataType.maxInteger()))
            {
                problems.add("range", where + ": range [" + range.path("min").asText() + ", " + range.path("max").asText() +
                    "] does not fit data_type " + dataType.symbol() + " [" + dataType.minInteger() + ", " +
                    dataType.maxInteger() + "]");
                return null;
            }
            if (dataType == DataType.F32 && (Math.abs(min) > Float.MAX_VALUE || Math.abs(max) > Float.MAX_VALUE))
            {
                problems.add("range", where + ": range does not fit data_type f32");
                return null;
            }
        }

        Conversion conversion = Conversion.IDENTITY;
        final JsonNode conversionNode = entry.path("conversion");
        if (!conversionNode.isMissingNode())
        {
            final double scale = conversionNode.path("scale").asDouble(1.0);
            if (scale == 0.0 || !Double.isFinite(scale))
            {
                problems.add("conversion/scale", where + ": conversion.scale must be a finite, non-zero number");
                return null;
            }
            conversion = new Conversion(
                Unit.fromSymbol(conversionNode.path("raw_unit").asText()),
                scale,
                conversionNode.path("offset").asDouble(0.0));
        }

        return new ParameterDefinition(
            entry.path("id").asInt(),
            entry.path("name").asText(),
            Unit.fromSymbol(entry.path("unit").asText()),
            dataType,
            min,
            max,
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
}
