package io.pitgun.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Reads the gateway's JSON answer ({@code status}, {@code reason}, {@code message}, {@code envelopes_accepted},
 * {@code envelopes_duplicate}, {@code retry_after_s}; WebSocket acks add {@code type}, {@code event_id} and
 * {@code http_status}; docs/gateway.md, Answers). Answers that are not JSON are kept as their first line, so a proxy's
 * HTML error page still says something.
 */
final class GatewayAnswer
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The status of a WebSocket's upgrade: that of a message over the socket that is no ack or nack. */
    private static final int SWITCHING_PROTOCOLS = 101;

    final JsonNode body;
    final String text;

    private GatewayAnswer(final JsonNode body, final String text)
    {
        this.body = body;
        this.text = text;
    }

    static GatewayAnswer parse(final String text)
    {
        JsonNode node = null;
        if (text != null && !text.isBlank())
        {
            try
            {
                node = JSON.readTree(text);
            }
            catch (final IOException ex)
            {
                node = null;
            }
        }
        return new GatewayAnswer(node != null && node.isObject() ? node : null, text == null ? "" : text);
    }

    /**
     * The answer as the outcome of a send: an answer that is no refusal (a status below 300) is an acknowledgement
     * only when its body is one ({@link #acknowledgement()}); otherwise another server answered (anything answering
     * 200 to every request, a WebSocket message that is neither ack nor nack), and the envelope counts as refused
     * under {@link SendOutcome#NOT_AN_ACKNOWLEDGEMENT}.
     *
     * @param status          the HTTP status (over the WebSocket, {@link #webSocketOutcome}'s).
     * @param retryAfterNanos how long to wait before a retry, or -1.
     */
    SendOutcome outcome(final int status, final long retryAfterNanos, final long latencyNanos)
    {
        final String reason = status >= 300 ? reason(status) :
            acknowledgement() ? null : SendOutcome.NOT_AN_ACKNOWLEDGEMENT;
        return new SendOutcome(status, reason, string("message"), retryAfterNanos, duplicate(), latencyNanos);
    }

    /**
     * A WebSocket message as the outcome of a send: an {@code ack} or {@code nack} has the status of its
     * {@code http_status} (202 or 500 without one); any other message, the status of the socket itself, 101
     * (Switching Protocols), so that it counts as {@code 101 not an acknowledgement} by {@link #outcome}'s rule.
     */
    SendOutcome webSocketOutcome(final long latencyNanos)
    {
        final String type = string("type");
        final int status = "ack".equals(type) ? (int)number("http_status", 202) :
            "nack".equals(type) ? (int)number("http_status", 500) : SWITCHING_PROTOCOLS;
        return outcome(status, retryAfterNanos(), latencyNanos);
    }

    /**
     * Whether the body is a Pitgun gateway's acknowledgement: a JSON object with {@code "status":"accepted"} and the
     * count {@code envelopes_accepted}, over HTTP and in a WebSocket {@code ack} alike.
     */
    boolean acknowledgement()
    {
        return "accepted".equals(string("status")) && body.path("envelopes_accepted").canConvertToLong();
    }

    String string(final String field)
    {
        final JsonNode value = body == null ? null : body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    long number(final String field, final long absent)
    {
        final JsonNode value = body == null ? null : body.get(field);
        return value != null && value.canConvertToLong() ? value.asLong() : absent;
    }

    String reason(final int status)
    {
        String reason = string("reason");
        if (reason == null && body != null && body.path("errors").isArray() && body.path("errors").size() > 0)
        {
            reason = body.path("errors").get(0).path("code").asText(null);
        }
        if (reason == null && status >= 300)
        {
            final String firstLine = text.lines().findFirst().orElse("").trim();
            reason = firstLine.isEmpty() ? "no_reason_given" :
                firstLine.length() > 60 ? firstLine.substring(0, 60) + "..." : firstLine;
        }
        return reason;
    }

    boolean duplicate()
    {
        return number("envelopes_duplicate", 0) > 0;
    }

    long retryAfterNanos()
    {
        final long seconds = number("retry_after_s", -1);
        return seconds < 0 ? -1 : seconds * 1_000_000_000L;
    }
}
