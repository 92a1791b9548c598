package io.pitgun.replay;

/**
 * The gateway's answer to one envelope.
 *
 * @param status          HTTP status (for WebSocket, the {@code http_status} of the ack or nack).
 * @param reason          the answer's {@code reason} (e.g. {@code value_out_of_range}), or null when accepted.
 * @param message         the answer's {@code message}, or null.
 * @param retryAfterNanos how long to wait before retrying (Retry-After), or -1 when the answer gives none.
 * @param duplicate       true when the gateway had already accepted this envelope (a retry it recognised).
 * @param latencyNanos    send → answer.
 */
public record SendOutcome(int status, String reason, String message, long retryAfterNanos, boolean duplicate,
    long latencyNanos)
{
    /** The gateway took the envelope. */
    public boolean accepted()
    {
        return status >= 200 && status < 300;
    }

    /** The gateway is over a limit: the same envelope may be sent again later. */
    public boolean retryable()
    {
        return status == 429 || status == 503;
    }
}
