package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.Optional;

/**
 * Tells which public contract a document claims to follow, so that tools can validate a file
 * without being told its schema.
 *
 * <p>Rules, first match wins:
 * <ol>
 *   <li>{@code schema_version: "pitgun-envelope-v1"} (the envelope's historical spelling) is {@code pitgun-envelope/v1};</li>
 *   <li>{@code schema_version: "<name>/<version>"} is that schema;</li>
 *   <li>{@code version: v1} with a {@code pipeline} key is {@code pipeline-manifest/v1};</li>
 *   <li>{@code version: v1} with a {@code limits} key is {@code tuning-policy/v1};</li>
 *   <li>{@code base_config} and {@code risk_factors} keys are {@code risk-analysis-request/v1};</li>
 *   <li>an {@code average_total_time} key is {@code simulation-result/v1};</li>
 *   <li>{@code race_laps} and {@code tyre_compounds} keys are {@code canonical-config/v1}.</li>
 * </ol>
 * Detection only reads the markers; whether the document is valid is for {@link SchemaCatalog#validate}.
 */
public final class ContractDetector
{
    /** The envelope's {@code schema_version} value, kept from the original wire format. */
    public static final String ENVELOPE_V1_MARKER = "pitgun-envelope-v1";

    static final SchemaId PITGUN_ENVELOPE_V1 = SchemaId.parse("pitgun-envelope/v1");
    static final SchemaId PIPELINE_MANIFEST_V1 = SchemaId.parse("pipeline-manifest/v1");
    static final SchemaId TUNING_POLICY_V1 = SchemaId.parse("tuning-policy/v1");
    static final SchemaId RISK_ANALYSIS_REQUEST_V1 = SchemaId.parse("risk-analysis-request/v1");
    static final SchemaId SIMULATION_RESULT_V1 = SchemaId.parse("simulation-result/v1");
    static final SchemaId CANONICAL_CONFIG_V1 = SchemaId.parse("canonical-config/v1");

    private ContractDetector()
    {
    }

    /**
     * @param document a parsed document
     * @return the schema the document claims, or empty when no rule matches (see {@link #explain(JsonNode)})
     */
    public static Optional<SchemaId> detect(final JsonNode document)
    {
        return Optional.ofNullable(evaluate(document).id);
    }

    /**
     * Says in one sentence what was detected and from which marker, or why nothing was.
     *
     * @param document a parsed document
     * @return a reason suitable for an error message, e.g.
     *         {@code "schema_version 'envelope-2' is neither 'pitgun-envelope-v1' nor of the form <name>/<version>"}
     */
    public static String explain(final JsonNode document)
    {
        return evaluate(document).reason;
    }

    /**
     * {@code 'version: X'}; a number too large for a double (YAML's {@code 1e999999}) is read as Infinity, which the
     * document does not say, so it is named as out of range instead.
     */
    private static String describeVersion(final JsonNode version)
    {
        return version.isNumber() && !Double.isFinite(version.doubleValue()) ?
            "a 'version' number out of range" : "'version: " + version + "'";
    }

    private static Outcome evaluate(final JsonNode document)
    {
        Objects.requireNonNull(document, "document");
        if (!document.isObject())
        {
            return Outcome.none("the document is " + describe(document) + ", but every Pitgun contract is an object");
        }

        final JsonNode schemaVersion = document.get("schema_version");
        if (schemaVersion != null)
        {
            return fromSchemaVersion(schemaVersion);
        }

        final JsonNode version = document.get("version");
        if (version != null && version.isTextual() && "v1".equals(version.textValue()))
        {
            if (document.has("pipeline"))
            {
                return Outcome.of(PIPELINE_MANIFEST_V1, "version: v1 with a 'pipeline' key");
            }
            if (document.has("limits"))
            {
                return Outcome.of(TUNING_POLICY_V1, "version: v1 with a 'limits' key");
            }
        }
        if (document.has("base_config") && document.has("risk_factors"))
        {
            return Outcome.of(RISK_ANALYSIS_REQUEST_V1, "'base_config' and 'risk_factors' keys");
        }
        if (document.has("average_total_time"))
        {
            return Outcome.of(SIMULATION_RESULT_V1, "an 'average_total_time' key");
        }
        if (document.has("race_laps") && document.has("tyre_compounds"))
        {
            return Outcome.of(CANONICAL_CONFIG_V1, "'race_laps' and 'tyre_compounds' keys");
        }

        if (version != null)
        {
            return Outcome.none("found " + describeVersion(version) + " but neither a 'pipeline' key " +
                "(pipeline-manifest/v1) nor a 'limits' key (tuning-policy/v1)" + (version.isTextual() && "v1".equals(version.textValue()) ?
                "" : ", and only version v1 is known"));
        }
        return Outcome.none("no 'schema_version' key, and none of the keys that mark a contract without one " +
            "('version' + 'pipeline', 'version' + 'limits', 'base_config' + 'risk_factors', 'average_total_time', " +
            "'race_laps' + 'tyre_compounds')");
    }

    private static Outcome fromSchemaVersion(final JsonNode schemaVersion)
    {
        if (!schemaVersion.isTextual())
        {
            return Outcome.none("'schema_version' must be a string, found " + describe(schemaVersion));
        }
        final String text = schemaVersion.textValue();
        if (ENVELOPE_V1_MARKER.equals(text))
        {
            return Outcome.of(PITGUN_ENVELOPE_V1, "schema_version '" + ENVELOPE_V1_MARKER + "'");
        }
        try
        {
            return Outcome.of(SchemaId.parse(text), "schema_version '" + text + "'");
        }
        catch (final IllegalArgumentException ex)
        {
            return Outcome.none("schema_version '" + text + "' is neither '" + ENVELOPE_V1_MARKER +
                "' nor of the form <name>/<version>: " + ex.getMessage());
        }
    }

    private static String describe(final JsonNode node)
    {
        if (node.isArray())
        {
            return "an array";
        }
        if (node.isNumber())
        {
            return "a number (" + node + ")";
        }
        if (node.isBoolean())
        {
            return "a boolean (" + node + ")";
        }
        if (node.isNull())
        {
            return "null";
        }
        if (node.isTextual())
        {
            return "a string";
        }
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static final class Outcome
    {
        final SchemaId id;
        final String reason;

        private Outcome(final SchemaId id, final String reason)
        {
            this.id = id;
            this.reason = reason;
        }

        static Outcome of(final SchemaId id, final String marker)
        {
            return new Outcome(id, id + " (detected from " + marker + ")");
        }

        static Outcome none(final String reason)
        {
            return new Outcome(null, "cannot tell which contract this document follows: " + reason);
        }
    }
}
