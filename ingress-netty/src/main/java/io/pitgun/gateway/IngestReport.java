package io.pitgun.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one request's envelopes (or one binary WebSocket message's frames), and the JSON answer that
 * says so. Built on the event loop by {@link EnvelopeIngestor}; the answer is rendered once the ack condition holds
 * (in journaled mode, when the last published frame is journaled).
 */
public final class IngestReport
{
    int status = 202;
    RejectReason reason;
    String message;
    int envelopes;
    int accepted;
    int duplicates;
    int framesAccepted;
    int framesInRequest;
    long lastPosition = -1;
    int retryAfterS;
    String firstEventId;
    int queuePlaces;
    /** Rendered JSON objects, one per refused envelope (validation) or per envelope not fully accepted (overload). */
    final List<String> details = new ArrayList<>();

    /** The HTTP status of the answer. */
    public int status()
    {
        return status;
    }

    /** Why the request was refused, or null when it was accepted. */
    public RejectReason reason()
    {
        return reason;
    }

    /** Ring position of the last frame this request depends on (published now or by the retried original), or -1. */
    public long lastPosition()
    {
        return lastPosition;
    }

    /** Seconds for {@code Retry-After}, or 0. */
    public int retryAfterS()
    {
        return retryAfterS;
    }

    /** Frames this request put into the ring. */
    public int framesAccepted()
    {
        return framesAccepted;
    }

    /** Places of the ingestion queue this request holds until it is answered. */
    public int queuePlaces()
    {
        return queuePlaces;
    }

    /** The first envelope's {@code event_id}, or null if it did not decode. */
    public String firstEventId()
    {
        return firstEventId;
    }

    /** Envelopes in the request. */
    public int envelopes()
    {
        return envelopes;
    }

    IngestReport refuse(final int status, final RejectReason reason, final String message)
    {
        this.status = status;
        this.reason = reason;
        this.message = message;
        return this;
    }

    /**
     * The answer body.
     *
     * @param ackMode      {@code journaled} or {@code accepted}.
     * @param journalIndex the journal position of the request's last frame (journaled mode; or the journal's last
     *                     position, an upper bound, when that frame's ring slot was already reused), or -1.
     */
    public String toJson(final String ackMode, final long journalIndex)
    {
        return toJson(null, ackMode, journalIndex);
    }

    /**
     * The answer as a WebSocket ack or nack: {@code type} ({@code ack} or {@code nack}), {@code event_id} (text
     * messages) and {@code message_number} (the WebSocket message it answers, counted from 0 on the connection, so
     * binary messages, which have no event id, can be matched too) first; {@code message} stays the refusal's text,
     * as in HTTP answers.
     */
    public String toWebSocketJson(final String eventIdOrNull, final long messageNumber, final String ackMode,
        final long journalIndex)
    {
        final StringBuilder prefix = new StringBuilder(96);
        JsonText.key(prefix, "type");
        JsonText.quote(prefix, status == 202 ? "ack" : "nack").append(',');
        if (eventIdOrNull != null)
        {
            JsonText.key(prefix, "event_id");
            JsonText.quote(prefix, eventIdOrNull).append(',');
        }
        JsonText.key(prefix, "message_number").append(messageNumber).append(',');
        JsonText.key(prefix, "http_status").append(status).append(',');
        return toJson(prefix, ackMode, journalIndex);
    }

    private String toJson(final StringBuilder prefix, final String ackMode, final long journalIndex)
    {
        final StringBuilder out = new StringBuilder(128 + details.size() * 96);
        out.append('{');
        if (prefix != null)
        {
            out.append(prefix);
        }
        JsonText.key(out, "status");
        JsonText.quote(out, status == 202 ? "accepted" : status == 503 || status == 507 ? "overloaded" : "rejected").append(',');
        if (reason != null)
        {
            JsonText.key(out, "reason");
            JsonText.quote(out, reason.label()).append(',');
        }
        if (message != null)
        {
            JsonText.key(out, "message");
            JsonText.quote(out, message).append(',');
        }
        JsonText.key(out, "envelopes").append(envelopes).append(',');
        JsonText.key(out, "envelopes_accepted").append(accepted).append(',');
        JsonText.key(out, "envelopes_duplicate").append(duplicates).append(',');
        JsonText.key(out, "frames_accepted").append(framesAccepted).append(',');
        JsonText.key(out, "ack_mode");
        JsonText.quote(out, ackMode);
        if (lastPosition >= 0)
        {
            out.append(',');
            JsonText.key(out, "ring_position").append(lastPosition);
        }
        if (journalIndex >= 0)
        {
            out.append(',');
            JsonText.key(out, "journal_index").append(journalIndex);
        }
        if (retryAfterS > 0)
        {
            out.append(',');
            JsonText.key(out, "retry_after_s").append(retryAfterS);
        }
        if (!details.isEmpty())
        {
            out.append(',');
            JsonText.key(out, status == 503 ? "envelope_status" : "errors").append('[');
            for (int i = 0; i < details.size(); i++)
            {
                out.append(i == 0 ? "" : ",").append(details.get(i));
            }
            out.append(']');
        }
        return out.append('}').toString();
    }
}
