package io.pitgun.codecs.dictionary;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A loaded, validated dictionary: the canonical definition of every channel a producer may send.
 * <p>
 * Lookups by id and by name are allocation-free and safe from any thread: the registry is immutable once built.
 * Loading is the cold path; every problem in a document is reported at once with the entry it concerns.
 */
public final class ParameterRegistry
{
    /** Classpath location of the canonical simulator dictionary. */
    public static final String SIM_V1_RESOURCE = "dictionaries/sim.v1.yaml";

    /** Classpath location of the F1 25 game's UDP telemetry dictionary (the f1-udp source's frames). */
    public static final String F1_25_V1_RESOURCE = "dictionaries/f1-25.v1.yaml";

    private static volatile ParameterRegistry simV1;

    private final String name;
    private final List<ParameterDefinition> parameters;
    private final List<String> names;
    private final ParameterDefinition[] byId;
    private final ChannelNameIndex nameIndex;
    private final JsonNode document;
    private final List<String> warnings;
    private final String meaningSha256Hex;

    ParameterRegistry(final String name, final List<ParameterDefinition> definitions, final JsonNode document,
        final List<String> warnings)
    {
        this.name = name;
        this.document = document.deepCopy();
        this.warnings = List.copyOf(warnings);
        final List<ParameterDefinition> sorted = new ArrayList<>(definitions);
        sorted.sort(Comparator.comparingInt(ParameterDefinition::id));
        this.parameters = Collections.unmodifiableList(sorted);

        final int maxId = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).id();
        this.byId = new ParameterDefinition[maxId + 1];
        final String[] channelNames = new String[sorted.size()];
        final int[] channelIds = new int[sorted.size()];
        final List<String> nameList = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++)
        {
            final ParameterDefinition definition = sorted.get(i);
            byId[definition.id()] = definition;
            channelNames[i] = definition.name();
            channelIds[i] = definition.id();
            nameList.add(definition.name());
        }
        this.names = Collections.unmodifiableList(nameList);
        this.nameIndex = new ChannelNameIndex(channelNames, channelIds);
        this.meaningSha256Hex = meaningSha256Hex(this.parameters);
    }

    /** The canonical simulator dictionary shipped in {@code schemas} ({@value #SIM_V1_RESOURCE}), loaded once. */
    public static ParameterRegistry simV1()
    {
        ParameterRegistry registry = simV1;
        if (registry == null)
        {
            synchronized (ParameterRegistry.class)
            {
                registry = simV1;
                if (registry == null)
                {
                    registry = loadResource(SIM_V1_RESOURCE);
                    simV1 = registry;
                }
            }
        }
        return registry;
    }

    /**
     * A dictionary shipped with Pitgun, by its name ({@code sim.v1}, {@code f1-25.v1}): what a journal's
     * {@code ManifestLoaded} names is enough to read its frames. Empty for any other name.
     */
    public static java.util.Optional<ParameterRegistry> shipped(final String name)
    {
        switch (name)
        {
            case "sim.v1":
                return java.util.Optional.of(simV1());
            case "f1-25.v1":
                return java.util.Optional.of(loadResource(F1_25_V1_RESOURCE));
            default:
                return java.util.Optional.empty();
        }
    }

    /**
     * Loads a dictionary from the classpath; a resource other than the shipped ones is held to
     * {@link #requireShippedContent} as a file is (an embedder's edited copy of {@code sim.v1} on its classpath).
     */
    public static ParameterRegistry loadResource(final String resource)
    {
        try (InputStream in = ParameterRegistry.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new DictionaryException(resource, List.of("no such resource on the classpath"));
            }
            final ParameterRegistry registry = parse(resource, in.readAllBytes(), isYaml(resource));
            return resource.equals(SIM_V1_RESOURCE) || resource.equals(F1_25_V1_RESOURCE) ? registry :
                requireShippedContent(resource, registry);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Loads and validates a dictionary file, YAML ({@code .yaml}/{@code .yml}) or JSON.
     *
     * @throws DictionaryException listing every problem, each naming its entry.
     */
    public static ParameterRegistry load(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new DictionaryException(file.toString(), List.of("cannot read: " + ex.getMessage()));
        }
        return requireShippedContent(file.toString(),
            parse(file.toString(), bytes, isYaml(file.getFileName().toString())));
    }

    /**
     * Builds a registry from a document read with positions ({@code DocumentReader}), validated like a file: each
     * problem starts with {@code line:column: }.
     */
    public static ParameterRegistry fromDocument(final ParsedDocument document)
    {
        return requireShippedContent(String.valueOf(document.path()), DictionaryReader.read(
            String.valueOf(document.path()), document.root(), new ArrayList<>(), document::locateNearest));
    }

    /** Builds a registry from a document that is already parsed (validated here like a file). */
    public static ParameterRegistry fromDocument(final String source, final JsonNode document)
    {
        return requireShippedContent(source, DictionaryReader.read(source, document, new ArrayList<>()));
    }

    /**
     * Refuses a dictionary that is not shipped with Pitgun but takes a shipped one's name ({@link #shipped}) with
     * channels that mean something else. Whatever reads a journal later (the journal tools, a hive, a replay) finds a
     * shipped dictionary by the name its {@code ManifestLoaded} records: a copy of {@code sim.v1} with
     * {@code Engine_RPM} made restricted, still named {@code sim.v1}, had its frames read with the shipped levels,
     * which leave that channel public, so it came out of exports and a hive's outputs (journals now also record the
     * {@link #meaningSha256Hex}, so such frames would be refused by the tools rather than misread; this refusal
     * comes first, where the dictionary is chosen). What a channel means
     * is compared ({@link #meaningDifference}): comments, layout, YAML or JSON, channel order and descriptions do
     * not matter.
     *
     * @throws DictionaryException naming the first channel that differs.
     */
    private static ParameterRegistry requireShippedContent(final String source, final ParameterRegistry registry)
    {
        final java.util.Optional<ParameterRegistry> shipped = shipped(registry.name());
        final String difference = shipped.isEmpty() ? null : firstDifference(shipped.get(), registry);
        if (difference == null)
        {
            return registry;
        }
        throw new DictionaryException(source, List.of("name '" + registry.name() + "' is that of the dictionary " +
            "shipped with Pitgun, but " + difference + ": the journal tools, a hive and a replay take this name " +
            "for the shipped dictionary (its channels, units and access levels); give this dictionary a name of its " +
            "own"));
    }

    /** How {@code own} first differs in meaning from {@code shipped}, channel by channel in id order, or null. */
    private static String firstDifference(final ParameterRegistry shipped, final ParameterRegistry own)
    {
        final int ids = Math.max(shipped.byId.length, own.byId.length);
        for (int id = 0; id < ids; id++)
        {
            final ParameterDefinition theirs = id < shipped.byId.length ? shipped.byId[id] : null;
            final ParameterDefinition mine = id < own.byId.length ? own.byId[id] : null;
            if (theirs == null && mine != null)
            {
                return "it adds channel " + id + " '" + mine.name() + "'";
            }
            if (theirs != null && mine == null)
            {
                return "it has no channel " + id + " '" + theirs.name() + "'";
            }
            final String field = theirs == null ? null : meaningDifference(theirs, mine);
            if (field != null)
            {
                return "its channel " + id + " '" + mine.name() + "' has " + field;
            }
        }
        return null;
    }

    /**
     * The first field in which two definitions of one id differ in what their values mean ({@code access
     * restricted, not the shipped public}), or null ({@link #meaning}).
     */
    private static String meaningDifference(final ParameterDefinition theirs, final ParameterDefinition mine)
    {
        final Object[][] shippedMeaning = meaning(theirs);
        final Object[][] ownMeaning = meaning(mine);
        for (int i = 0; i < shippedMeaning.length; i++)
        {
            if (!shippedMeaning[i][1].equals(ownMeaning[i][1]))
            {
                return ownMeaning[i][0] + " " + ownMeaning[i][1] + ", not the shipped " + shippedMeaning[i][1];
            }
        }
        return null;
    }

    /**
     * What a channel's values mean, field by field ({@code {"access", "restricted"}}): what {@link #meaningDifference}
     * compares and {@link #meaningSha256Hex} digests. Numbers are taken as numbers ({@code -0.0} is 0), a conversion
     * by its effect (scale 1 and offset 0 is none, whatever raw unit it names); the description, which is for people,
     * is left out.
     */
    private static Object[][] meaning(final ParameterDefinition definition)
    {
        return new Object[][] {
            { "name", definition.name() },
            { "access", definition.access().symbol() },
            { "unit", definition.unit().symbol() },
            { "type", definition.dataType().symbol() },
            { "min", definition.min() + 0.0 }, // + 0.0 makes -0.0 0.0, which Double.equals tells apart
            { "max", definition.max() + 0.0 },
            { "dimension", definition.dimension().symbol() },
            { "conversion", conversionText(definition.conversion()) } };
    }

    /** The SHA-256 of every channel's {@link #meaning}, in id order: what a journal records its dictionary by. */
    private static String meaningSha256Hex(final List<ParameterDefinition> byIdOrder)
    {
        final StringBuilder text = new StringBuilder("pitgun dictionary meaning v1\n");
        for (final ParameterDefinition definition : byIdOrder)
        {
            text.append(definition.id());
            for (final Object[] field : meaning(definition))
            {
                text.append('\t').append(field[0]).append('=').append(field[1]);
            }
            text.append('\n');
        }
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    /** A conversion by its effect: {@code none}, or {@code raw psi x 6.89476 + 0}. */
    private static String conversionText(final Conversion conversion)
    {
        return conversion.scale() == 1 && conversion.offset() == 0 ? "none" : "raw " +
            (conversion.rawUnit() == null ? "?" : conversion.rawUnit().symbol()) + " x " + conversion.scale() + " + " +
            conversion.offset();
    }

    private static ParameterRegistry parse(final String source, final byte[] bytes, final boolean yaml)
    {
        final List<String> warnings = new ArrayList<>();
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final ParsedDocument document;
        try
        {
            // Read with positions, so that every problem can say where it is (line:column).
            document = DocumentReader.parse(Path.of(source), yaml ? YamlIndentation.normalise(text, warnings) : text,
                yaml ? DocumentFormat.YAML : DocumentFormat.JSON);
        }
        catch (final DocumentException ex)
        {
            throw new DictionaryException(source, List.of(ex.location().map(at -> at.line() + ":" + at.column() +
                ": ").orElse("") + "not valid " + (yaml ? "YAML" : "JSON") + ": " + ex.reason()));
        }
        return DictionaryReader.read(source, document.root(), warnings, document::locateNearest);
    }

    private static boolean isYaml(final String fileName)
    {
        final String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    /**
     * The validated {@code metrics-dictionary/v1} document this registry was built from (for a seed registry, the
     * converted document), a copy: what {@code GET /dictionary} serves and {@code pitgun dictionary import} writes.
     */
    public JsonNode document()
    {
        return document.deepCopy();
    }

    /**
     * Lower-case hex SHA-256 of what this dictionary's channels mean: each channel's id, name, access, unit, type,
     * range (as numbers), dimension and conversion (by its effect), in id order. Its name, descriptions, comments,
     * layout, YAML or JSON and the order channels are listed in do not count. A journal's {@code ManifestLoaded}
     * records it with the name, so a dictionary edited under the same name is not taken for the one the frames were
     * written with. (Insights name their dictionary by {@code DictionaryDigest}, the document's digest, which
     * descriptions change.)
     */
    public String meaningSha256Hex()
    {
        return meaningSha256Hex;
    }

    /** What was defaulted or assumed while reading (empty for a canonical dictionary), one line each. */
    public List<String> warnings()
    {
        return warnings;
    }

    /** The dictionary's name, e.g. {@code sim.v1}. */
    public String name()
    {
        return name;
    }

    /** Every channel, by ascending id. */
    public List<ParameterDefinition> parameters()
    {
        return parameters;
    }

    /** The channel with this id, or {@code null}. Allocation-free. */
    public ParameterDefinition byId(final int id)
    {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** The channel with exactly this name, or {@code null}. Allocation-free. */
    public ParameterDefinition byName(final CharSequence channelName)
    {
        final int id = nameIndex.idOf(channelName);
        return id == ChannelNameIndex.MISSING ? null : byId[id];
    }

    /** The id of the name held in {@code buffer[offset, offset + length)}, or {@link ChannelNameIndex#MISSING}. */
    public int idOf(final DirectBuffer buffer, final int offset, final int length)
    {
        return nameIndex.idOf(buffer, offset, length);
    }

    /** The name index, for scanners that hash names as they read them. */
    public ChannelNameIndex nameIndex()
    {
        return nameIndex;
    }

    /** The largest id in use; ids are in {@code [1, maxId()]}. */
    public int maxId()
    {
        return byId.length - 1;
    }

    /** Up to {@code max} existing names nearest to {@code unknownName}, closest first. Cold path. */
    public List<String> suggest(final CharSequence unknownName, final int max)
    {
        return NameSuggester.nearest(unknownName, names, max);
    }
}
