package io.pitgun.engine.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.signing.VerifiedDocument;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code tuning-policy/v1} file and resolves it against the dictionary in use: the one place a policy is
 * loaded (gateway and embedded pipelines alike), so that checking its signature belongs here too. Every problem is
 * reported at once, each as {@code file:line:column: what}; a policy with any problem is refused whole.
 * <p>
 * What is resolved (and refused):
 * <ul>
 *   <li>the document validates against the schema, and its {@code dictionary}, when given, is the one in use;</li>
 *   <li>each named limit ({@link NamedLimit}) bounds its dictionary channels, which must exist with the named
 *       limit's unit;</li>
 *   <li>each {@code limits.channels} entry names a dictionary channel (by its canonical name) or, failing that, a
 *       channel the manifest derives ({@link DerivedChannelLimit}, resolved by {@link ManifestLimitCheck});
 *       {@code min} at most {@code max}; {@code on_violation: clamp} is refused (a clamped value would journal a
 *       reading the car never sent);</li>
 *   <li>the limits on one channel leave some value allowed;</li>
 *   <li>{@code frame_limits} are enforced by the gateway's ingest path ({@code max_sources_per_session} across
 *       requests and connections, {@link SessionSourceLimit}).</li>
 * </ul>
 * The policy's own {@code on_violation} ({@code reject}, the default, or {@code flag}) applies to every limit that
 * does not set its own.
 */
public final class TuningPolicyLoader
{
    /** The contract a policy must meet. */
    public static final SchemaId SCHEMA = SchemaId.parse("tuning-policy/v1");

    private TuningPolicyLoader()
    {
    }

    /**
     * Loads {@code file} against {@code registry}.
     *
     * @throws TuningPolicyException listing every problem.
     */
    public static TuningPolicy load(final Path file, final ParameterRegistry registry)
    {
        final ParsedDocument document;
        try
        {
            document = DocumentReader.read(file);
        }
        catch (final DocumentException ex)
        {
            throw new TuningPolicyException(List.of(ex.path() + ex.location().map(l -> ":" + l).orElse("") + ": " +
                ex.reason()));
        }
        return fromDocument(document, registry);
    }

    /**
     * Loads a policy whose bytes were read (and, when signatures are required, verified) once by a
     * {@code SignatureVerifier}: the text parsed is the text verified.
     *
     * @throws TuningPolicyException listing every problem.
     */
    public static TuningPolicy load(final VerifiedDocument verified, final ParameterRegistry registry)
    {
        final ParsedDocument document;
        try
        {
            document = DocumentReader.parse(verified.file(), verified.text(), DocumentFormat.of(verified.file()));
        }
        catch (final DocumentException ex)
        {
            throw new TuningPolicyException(List.of(ex.path() + ex.location().map(l -> ":" + l).orElse("") + ": " +
                ex.reason()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TuningPolicyException(List.of(verified.file() + ": " + ex.getMessage()));
        }
        return fromDocument(document, registry, verified.sha256(), verified.signerOrUnsigned());
    }

    /**
     * Resolves a parsed policy against {@code registry}.
     *
     * @throws TuningPolicyException listing every problem.
     */
    public static TuningPolicy fromDocument(final ParsedDocument document, final ParameterRegistry registry)
    {
        // The text exactly as read: for a file, the SHA-256 of its bytes, as a signature's digest is.
        return fromDocument(document, registry, VerifiedDocument.unchecked(document.path(),
            document.text().getBytes(StandardCharsets.UTF_8)).sha256(), VerifiedDocument.UNSIGNED);
    }

    private static TuningPolicy fromDocument(final ParsedDocument document, final ParameterRegistry registry,
        final String sha256, final String signerKeyId)
    {
        final Resolver resolver = new Resolver(document, registry, sha256, signerKeyId);
        final List<SchemaProblem> schemaProblems = SchemaCatalog.standard().validate(SCHEMA, document.root());
        if (!schemaProblems.isEmpty())
        {
            for (final SchemaProblem problem : schemaProblems)
            {
                resolver.problem(problem.pointer(), (problem.pointer().isEmpty() ? "" : problem.pointer() + ": ") +
                    problem.message() + " (" + SCHEMA + ")");
            }
            throw new TuningPolicyException(resolver.problems);
        }
        return resolver.resolve();
    }

    private static final class Resolver
    {
        private final ParsedDocument document;
        private final ParameterRegistry registry;
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<TuningLimit> limits = new ArrayList<>();
        private final List<DerivedChannelLimit> derivedLimits = new ArrayList<>();
        private final String sha256;
        private final String signerKeyId;

        Resolver(final ParsedDocument document, final ParameterRegistry registry, final String sha256,
            final String signerKeyId)
        {
            this.document = document;
            this.registry = registry;
            this.sha256 = sha256;
            this.signerKeyId = signerKeyId;
        }

        TuningPolicy resolve()
        {
            final JsonNode root = document.root();
            if (root.has("dictionary") && !root.get("dictionary").asText().equals(registry.name()))
            {
                problem("/dictionary", "the policy is for dictionary '" + root.get("dictionary").asText() +
                    "' but the dictionary in use is '" + registry.name() + "'");
            }
            final TuningAction policyAction = root.has("on_violation") ?
                TuningAction.valueOf(root.get("on_violation").asText().toUpperCase(java.util.Locale.ROOT)) :
                TuningAction.REJECT;
            final JsonNode limitsNode = root.get("limits");
            for (final Map.Entry<String, JsonNode> entry : limitsNode.properties())
            {
                if (entry.getKey().equals("channels"))
                {
                    channelLimits(entry.getValue(), policyAction);
                }
                else
                {
                    namedLimit(NamedLimit.ofKey(entry.getKey()), entry.getValue().asDouble(), policyAction);
                }
            }
            checkSatisfiable();
            final FrameLimits frameLimits = frameLimits(root.get("frame_limits"));
            if (!problems.isEmpty())
            {
                throw new TuningPolicyException(problems);
            }
            final String fileName = String.valueOf(document.path().getFileName());
            final String name = root.has("name") ? root.get("name").asText() :
                fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
            return new TuningPolicy(document.path(), name, new ChannelLimitTable(limits, registry.maxId() + 1),
                derivedLimits, manifestLimits(root.get("manifest_limits")), frameLimits, warnings, sha256,
                signerKeyId);
        }

        private void namedLimit(final NamedLimit named, final double bound, final TuningAction action)
        {
            final String pointer = "/limits/" + named.key();
            for (final String channel : named.channels())
            {
                final ParameterDefinition definition = registry.byName(channel);
                if (definition == null)
                {
                    problem(pointer, named.key() + " bounds channel " + channel + ", which dictionary " +
                        registry.name() + " does not have; bound that dictionary's own channel under limits.channels");
                    continue;
                }
                if (!definition.unit().symbol().equals(named.unit()))
                {
                    problem(pointer, named.key() + " is in " + named.unit() + " but channel " + channel + " of " +
                        "dictionary " + registry.name() + " is in " + definition.unit().symbol() + "; bound it " +
                        "under limits.channels in its own unit");
                    continue;
                }
                limits.add(new TuningLimit(named.key(), channel, definition.id(),
                    named.lowerBound() ? bound : Double.NEGATIVE_INFINITY,
                    named.lowerBound() ? Double.POSITIVE_INFINITY : bound, action));
            }
        }

        private void channelLimits(final JsonNode channels, final TuningAction policyAction)
        {
            for (final Map.Entry<String, JsonNode> entry : channels.properties())
            {
                final String channel = entry.getKey();
                final JsonNode limit = entry.getValue();
                final String pointer = "/limits/channels/" + channel;
                final double min = limit.has("min") ? limit.get("min").asDouble() : Double.NEGATIVE_INFINITY;
                final double max = limit.has("max") ? limit.get("max").asDouble() : Double.POSITIVE_INFINITY;
                if (!limit.has("min") && !limit.has("max"))
                {
                    problem(pointer, "a channel limit needs min, max or both");
                    continue;
                }
                if (min > max)
                {
                    problem(pointer, "min " + ChannelLimitTable.number(min) + " is above max " +
                        ChannelLimitTable.number(max));
                    continue;
                }
                TuningAction action = policyAction;
                if (limit.has("on_violation"))
                {
                    final String symbol = limit.get("on_violation").asText();
                    if (symbol.equals("clamp"))
                    {
                        problem(pointer + "/on_violation", "on_violation clamp is not supported: a clamped value " +
                            "would journal a reading the car never sent; use reject or flag");
                        continue;
                    }
                    action = TuningAction.valueOf(symbol.toUpperCase(java.util.Locale.ROOT));
                }
                final ParameterDefinition definition = registry.byName(channel);
                if (definition == null)
                {
                    // Not the dictionary's: it must be a channel the manifest derives (ManifestLimitCheck says).
                    derivedLimits.add(new DerivedChannelLimit(channel, min, max, where(pointer)));
                    continue;
                }
                limits.add(new TuningLimit("channels." + channel, channel, definition.id(), min, max, action));
            }
        }

        // Limits that together allow no value of a channel would refuse all of its frames: a policy mistake.
        private void checkSatisfiable()
        {
            final Map<String, double[]> bounds = new java.util.LinkedHashMap<>();
            for (final TuningLimit limit : limits)
            {
                final double[] b = bounds.computeIfAbsent(limit.channel(),
                    c -> new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY});
                b[0] = Math.max(b[0], limit.min());
                b[1] = Math.min(b[1], limit.max());
            }
            bounds.forEach((channel, b) ->
            {
                if (b[0] > b[1])
                {
                    problem("/limits", "the limits on " + channel + " allow no value: at least " +
                        ChannelLimitTable.number(b[0]) + " and at most " + ChannelLimitTable.number(b[1]));
                }
            });
        }

        private static ManifestLimits manifestLimits(final JsonNode node)
        {
            if (node == null)
            {
                return ManifestLimits.NONE;
            }
            return new ManifestLimits(integer(node, "max_stages"), integer(node, "max_derived_channels"),
                integer(node, "max_expression_length"), integer(node, "max_expression_depth"),
                node.has("max_access") ? AccessLevel.fromSymbol(node.get("max_access").asText()) : null);
        }

        private static FrameLimits frameLimits(final JsonNode node)
        {
            if (node == null)
            {
                return FrameLimits.NONE;
            }
            return new FrameLimits(integer(node, "max_frames_per_envelope"), integer(node, "max_samples_per_frame"),
                integer(node, "max_envelope_bytes"), integer(node, "max_sources_per_session"));
        }

        private static Integer integer(final JsonNode node, final String key)
        {
            return node.has(key) ? node.get(key).asInt() : null;
        }

        void problem(final String pointer, final String reason)
        {
            problems.add(where(pointer) + ": " + reason);
        }

        private String where(final String pointer)
        {
            return document.path() + ":" + document.locateNearest(pointer);
        }
    }
}
