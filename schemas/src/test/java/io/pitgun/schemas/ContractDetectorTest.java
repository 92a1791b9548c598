package io.pitgun.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContractDetectorTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"schema_version\": \"pitgun-envelope-v1\", \"event_type\": \"session.start\"} | pitgun-envelope/v1",
        "{\"schema_version\": \"metrics-dictionary/v1\", \"name\": \"sim.v1\"}           | metrics-dictionary/v1",
        "{\"schema_version\": \"insight-contract/v1\", \"limits\": {}, \"version\": \"v1\"} | insight-contract/v1",
        "{\"version\": \"v1\", \"pipeline\": []}                                           | pipeline-manifest/v1",
        "{\"version\": \"v1\", \"limits\": {\"max_engine_rpm\": 15000}}                    | tuning-policy/v1",
        "{\"base_config\": {}, \"laps\": 58, \"risk_factors\": {}}                         | risk-analysis-request/v1",
        "{\"average_total_time\": 5220.45, \"success_probability\": 0.85}                  | simulation-result/v1",
    })
    void shouldDetectContract(final String document, final String expected) throws IOException
    {
        final JsonNode node = JSON.readTree(document);
        assertEquals(Optional.of(SchemaId.parse(expected)), ContractDetector.detect(node));
        assertTrue(ContractDetector.explain(node).startsWith(expected + " (detected from "), ContractDetector.explain(node));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "[1, 2]                                         | is an array",
        "{\"schema_version\": 1}                         | 'schema_version' must be a string",
        "{\"schema_version\": \"envelope-2\"}            | schema_version 'envelope-2' is neither 'pitgun-envelope-v1' nor of the form <name>/<version>",
        "{\"version\": \"v2\", \"pipeline\": []}          | only version v1 is known",
        "{\"version\": \"v1\", \"stages\": []}            | neither a 'pipeline' key",
        "{\"base_config\": {}}                            | no 'schema_version' key",
    })
    void shouldExplainWhyNothingWasDetected(final String document, final String reasonPart) throws IOException
    {
        final JsonNode node = JSON.readTree(document);
        assertEquals(Optional.empty(), ContractDetector.detect(node));
        final String reason = ContractDetector.explain(node);
        assertTrue(reason.startsWith("cannot tell which contract this document follows: "), reason);
        assertTrue(reason.contains(reasonPart), reason);
    }

    @Test
    void shouldDetectTheSeedPolicyFromYaml() throws DocumentException
    {
        final ParsedDocument policy = DocumentReader.parse(java.nio.file.Path.of("tuning.v1.yaml"),
            "version: v1\nlimits:\n  max_engine_rpm: 15000\nsigned_by: authority.pitgun.io\n", DocumentFormat.YAML);
        assertEquals(Optional.of(SchemaId.parse("tuning-policy/v1")), ContractDetector.detect(policy.root()));
    }
}
