package io.pitgun.replay;

/**
 * The gateway's answer to one envelope.
 *
 * @param status          HTTP status (for WebSocket, the {@code http_status} of the ack or nack).
 * @param reason          the answer's {@code reason} (e.g. {@code value_out_of_range}), {@link #NOT_AN_ACKNOWLEDGEMENT}
 *                        for a 2xx whose body is not a gateway's acknowledgement, or null when accepted.
 * @param message         the answer's {@code message}, or null.
 * @param retryAfterNanos how long to wait before retrying (Retry-After), or -1 when the answer gives none.
 * @param duplicate       true when the gateway had already accepted this envelope (a retry it recognised).
 * @param latencyNanos    send → answer.
 */
public record SendOutcome(int status, String reason, String message, long retryAfterNanos, boolean duplicate,
    long latencyNanos)
{
    /** The reason of a 2xx answer whose body is not a Pitgun gateway's acknowledgement (another server answered). */
    public static final String NOT_AN_ACKNOWLEDGEMENT = "not an acknowledgement";

    /** The gateway took the envelope: a 2xx that acknowledged it. */
    public boolean accepted()
    {
        return status >= 200 && status < 300 && reason == null;
    }

    /** The gateway is over a limit: the same envelope may be sent again later. */
    public boolean retryable()
    {
        return status == 429 || status == 503;
    }

    /**
     * The gateway refuses this client (401: no valid token; 403: the token lacks the capability), not this
     * envelope: every later envelope would be refused the same way.
     */
    public boolean refusesClient()
    {
        return status == 401 || status == 403;
    }
}
