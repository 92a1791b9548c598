package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which list an answer's per-envelope entries go in: {@code envelope_status} when the gateway cut the request short
 * (503 ring full, 507 journal full, 500), {@code errors} when an envelope was refused for what it holds (4xx). A 507
 * that cut a request listed its envelopes' states under {@code errors}, where gateway.md says a request cut by a full
 * journal says which envelopes are in "as for a full ring" ({@code envelope_status}).
 */
class IngestReportTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "503, RING_FULL, envelope_status",
        "507, JOURNAL_FULL, envelope_status",
        "500, INTERNAL_ERROR, envelope_status",
        "409, EVENT_ID_CONFLICT, errors",
        "422, INVALID_VALUE, errors" })
    void shouldListEnvelopeStatesWhereTheGatewayCutTheRequestAndErrorsWhereAnEnvelopeWasRefused(final int status,
        final String reason, final String list) throws Exception
    {
        final IngestReport report = new IngestReport();
        report.envelopes = 2;
        report.refuse(status, RejectReason.valueOf(reason), "test");
        report.details.add("{\"index\":1,\"frames\":3,\"frames_accepted\":1,\"state\":\"partial\"}");

        final JsonNode answer = JSON.readTree(report.toJson("journaled", -1));
        assertTrue(answer.has(list), answer.toString());
        assertFalse(answer.has(list.equals("errors") ? "envelope_status" : "errors"), answer.toString());
        assertEquals(1, answer.get(list).get(0).get("frames_accepted").asInt());
    }
}
