package io.pitgun.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@code pipeline-manifest/v1} YAML (or JSON) file, validates it against the public schema and builds the
 * {@link PipelineManifest} model. Syntax errors and schema violations come back as a {@link ManifestException}
 * whose problems carry file, line and column. Channel names and formulas are checked later, by
 * {@link ManifestCompiler}, against a dictionary.
 */
public final class ManifestLoader
{
    /** The schema every manifest is validated against. */
    public static final SchemaId SCHEMA = new SchemaId("pipeline-manifest", "v1");

    private ManifestLoader()
    {
    }

    /** Loads and validates a manifest file. */
    public static PipelineManifest load(final Path file) throws ManifestException
    {
        try
        {
            return fromDocument(DocumentReader.read(file));
        }
        catch (final DocumentException ex)
        {
            throw fromDocumentException(ex);
        }
    }

    /** Loads and validates manifest text; {@code sourceName} is used in messages. */
    public static PipelineManifest parse(final Path sourceName, final String text) throws ManifestException
    {
        DocumentFormat format;
        try
        {
            format = DocumentFormat.of(sourceName);
        }
        catch (final IllegalArgumentException ex)
        {
            format = DocumentFormat.YAML;
        }
        try
        {
            return fromDocument(DocumentReader.parse(sourceName, text, format));
        }
        catch (final DocumentException ex)
        {
            throw fromDocumentException(ex);
        }
    }

    private static ManifestException fromDocumentException(final DocumentException ex)
    {
        final String excerpt = ex.location().isPresent() ? ex.sourceLine() + System.lineSeparator() + ex.caretLine() :
            "";
        return new ManifestException(new ManifestProblem(ex.path(), ex.location().orElse(null), ex.reason(),
            excerpt));
    }

    private static PipelineManifest fromDocument(final ParsedDocument document) throws ManifestException
    {
        final SourceLocator locator = new SourceLocator(document);
        final JsonNode root = document.root();
        final List<SchemaProblem> schemaProblems = SchemaCatalog.standard().validate(SCHEMA, root);
        if (!schemaProblems.isEmpty())
        {
            final List<ManifestProblem> problems = new ArrayList<>();
            for (final SchemaProblem problem : schemaProblems)
            {
                problems.add(locator.at(problem.pointer(),
                    SourceLocator.describe(problem.pointer()) + ": " + problem.message()));
            }
            throw new ManifestException(ManifestProblems.inSourceOrder(problems));
        }
        final List<Stage> stages = new ArrayList<>();
        final JsonNode pipeline = root.get("pipeline");
        for (int i = 0; i < pipeline.size(); i++)
        {
            stages.add(stage(pipeline.get(i), "/pipeline/" + i));
        }
        final String fileName = String.valueOf(document.path().getFileName());
        final String defaultName = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) :
            fileName;
        return new PipelineManifest(document, text(root, "name", defaultName), text(root, "description", ""),
            text(root, "dictionary", PipelineManifest.DEFAULT_DICTIONARY), List.copyOf(stages));
    }

    private static Stage stage(final JsonNode node, final String pointer)
    {
        switch (node.get("type").asText())
        {
            case "formula":
            {
                final List<DerivedChannelSpec> channels = new ArrayList<>();
                final JsonNode list = node.get("derived_channels");
                for (int i = 0; i < list.size(); i++)
                {
                    channels.add(derivedChannel(list.get(i), pointer + "/derived_channels/" + i));
                }
                return new Stage.Formula(pointer, List.copyOf(channels));
            }
            case "filter":
                return new Stage.Filter(pointer, strings(node.get("whitelist")), strings(node.get("blacklist")),
                    text(node, "where", null));
            case "merge":
            {
                final List<Integer> sources = new ArrayList<>();
                for (final JsonNode source : node.get("sources"))
                {
                    sources.add(source.asInt());
                }
                final long window = node.has("window_us") ? node.get("window_us").asLong() :
                    Stage.Merge.DEFAULT_WINDOW_US;
                final long lateness = node.has("max_lateness_us") ? node.get("max_lateness_us").asLong() :
                    Stage.Merge.defaultMaxLatenessUs(window);
                return new Stage.Merge(pointer, List.copyOf(sources), window, lateness);
            }
            case "segment":
            {
                final List<AggregateSpec> aggregates = new ArrayList<>();
                final JsonNode list = node.get("aggregates");
                for (int i = 0; i < list.size(); i++)
                {
                    final JsonNode aggregate = list.get(i);
                    final List<Double> percentiles = new ArrayList<>();
                    if (aggregate.has("percentiles"))
                    {
                        for (final JsonNode percentile : aggregate.get("percentiles"))
                        {
                            percentiles.add(percentile.asDouble());
                        }
                    }
                    aggregates.add(new AggregateSpec(pointer + "/aggregates/" + i, aggregate.get("channel").asText(),
                        strings(aggregate.get("stats")), List.copyOf(percentiles)));
                }
                final Stage.SegmentBy by = Stage.SegmentBy.valueOf(node.get("by").asText().toUpperCase(Locale.ROOT));
                return new Stage.Segment(pointer, by, List.copyOf(aggregates));
            }
            default:
                return new Stage.Output(pointer, strings(node.get("contracts")));
        }
    }

    private static DerivedChannelSpec derivedChannel(final JsonNode node, final String pointer)
    {
        final JsonNode range = node.get("range");
        return new DerivedChannelSpec(pointer, node.get("name").asText(), node.get("expr").asText(),
            text(node, "unit", null), text(node, "data_type", "f64"),
            range == null ? null : range.get("min").asDouble(), range == null ? null : range.get("max").asDouble(),
            text(node, "description", null));
    }

    private static String text(final JsonNode node, final String field, final String fallback)
    {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static List<String> strings(final JsonNode array)
    {
        final List<String> values = new ArrayList<>();
        if (array != null)
        {
            for (final JsonNode value : array)
            {
                values.add(value.asText());
            }
        }
        return List.copyOf(values);
    }
}
