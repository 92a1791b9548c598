package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
    /** Envelopes (0 or 1: publishing stops at it) of which some frames are in the ring and some are not. */
    int partial;
    /** Envelopes refused for what they are (decoder, contract, token scope, tuning limit, event_id conflict), or a
     *  body or message refused whole before its envelopes could be told apart (counted as one). */
    int refused;
    /** Envelopes of which nothing is in and that were not refused themselves: refused with their request (another
     *  envelope refused, admission, publishing stopped before them); resending them unchanged may succeed. */
    int notAccepted;
    int framesAccepted;
    int framesInRequest;
    /**
     * The highest journal position among this request's duplicates whose position the window knows (restored at
     * start, or learnt when their original was answered: {@link IdempotencyWindow.Claim#journalIndex}), or -1.
     */
    long knownJournalIndex = -1;
    /**
     * The highest ring position among those duplicates (-1: none in this process's ring, restored at start): frames at
     * or before it come before the known one in the journal too, so they need no lookup.
     */
    long knownPosition = -1;
    /**
     * The highest ring position among the frames this request depends on whose journal position is not known yet
     * (published now, or a duplicate's whose original has not been answered), or -1.
     */
    long unindexedPosition = -1;
    /**
     * How many envelopes' journal positions the window may learn from this request's answer (those it published
     * frames of, and duplicates whose position the window does not know yet); their tickets follow.
     */
    int ticketsToLearn;
    /** The first one's ticket (most requests carry one envelope: no array for them). */
    long firstTicketToLearn;
    /** The others' tickets, sized for the request's envelopes when a second comes, or null. */
    long[] laterTicketsToLearn;
    int retryAfterS;
    /** The first envelope's {@code event_id}, kept as its two halves until asked for ({@link #firstEventId()}). */
    boolean hasFirstEventId;
    long firstEventIdMsb;
    long firstEventIdLsb;
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

    /**
     * Ring position of the last frame this request depends on (published now or by the retried original), or -1:
     * the later of {@link #unindexedPosition} and {@link #knownPosition}, which between them hold every such frame.
     */
    public long lastPosition()
    {
        return Math.max(unindexedPosition, knownPosition);
    }

    /** {@link #knownJournalIndex}: where this request's duplicates with a known journal position end, or -1. */
    public long knownJournalIndex()
    {
        return knownJournalIndex;
    }

    /** {@link #knownPosition}: the ring position of the last frame whose journal position is known, or -1. */
    public long knownPosition()
    {
        return knownPosition;
    }

    /** {@link #unindexedPosition}: the ring position whose journal position the answer must look up, or -1. */
    public long unindexedPosition()
    {
        return unindexedPosition;
    }

    /**
     * Remembers that the window may learn, once this request is answered 202, the journal position of the envelope it
     * knows by {@code ticket}: at most one per envelope of the request ({@link #envelopes}).
     */
    void addTicketToLearn(final long ticket)
    {
        if (ticketsToLearn == 0)
        {
            firstTicketToLearn = ticket;
        }
        else
        {
            if (laterTicketsToLearn == null)
            {
                laterTicketsToLearn = new long[envelopes - 1];
            }
            laterTicketsToLearn[ticketsToLearn - 1] = ticket;
        }
        ticketsToLearn++;
    }

    /** The {@code i}th ticket {@link #addTicketToLearn} was given. */
    long ticketToLearn(final int i)
    {
        return i == 0 ? firstTicketToLearn : laterTicketsToLearn[i - 1];
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
        // Rendered here, not per request: only WebSocket answers carry it.
        return hasFirstEventId ? new UUID(firstEventIdMsb, firstEventIdLsb).toString() : null;
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

    /**
     * Whether {@link #writePlainJson} can write this report's answer: one with no text in it (no reason, message or
     * details), which is every accepted request's. The others keep the {@link #toJson(String, long)} path, where the
     * text is escaped.
     */
    boolean plain()
    {
        return reason == null && message == null && details.isEmpty();
    }

    /**
     * Writes the same bytes as {@code toJson(ackMode, journalIndex)} for a {@link #plain()} report straight into
     * {@code out}: ASCII digits and pre-encoded names, no String or StringBuilder per answer (the answer of every
     * accepted request is written by the event loop, so its cost is per request).
     *
     * @param ackMode the quoted ack mode as {@link #quotedJson} makes it.
     */
    void writePlainJson(final ByteBuf out, final byte[] ackMode, final long journalIndex)
    {
        out.writeBytes(status == 202 ? PLAIN_ACCEPTED : status == 503 || status == 507 ? PLAIN_OVERLOADED :
            PLAIN_REJECTED);
        writeDecimal(out, envelopes);
        out.writeBytes(PLAIN_ENVELOPES_ACCEPTED);
        writeDecimal(out, accepted);
        out.writeBytes(PLAIN_ENVELOPES_DUPLICATE);
        writeDecimal(out, duplicates);
        out.writeBytes(PLAIN_FRAMES_ACCEPTED);
        writeDecimal(out, framesAccepted);
        out.writeBytes(PLAIN_ACK_MODE);
        out.writeBytes(ackMode);
        final long lastPosition = lastPosition();
        if (lastPosition >= 0)
        {
            out.writeBytes(PLAIN_RING_POSITION);
            writeDecimal(out, lastPosition);
        }
        if (journalIndex >= 0)
        {
            out.writeBytes(PLAIN_JOURNAL_INDEX);
            writeDecimal(out, journalIndex);
        }
        if (retryAfterS > 0)
        {
            out.writeBytes(PLAIN_RETRY_AFTER_S);
            writeDecimal(out, retryAfterS);
        }
        out.writeByte('}');
    }

    /** {@code value} as a quoted JSON string in UTF-8, escaped like every other string of an answer. */
    static byte[] quotedJson(final String value)
    {
        return JsonText.quote(new StringBuilder(), value).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code value} in decimal as {@link StringBuilder#append(long)} does, without allocating. */
    static void writeDecimal(final ByteBuf out, final long value)
    {
        if (value < 0)
        {
            if (value == Long.MIN_VALUE)
            {
                out.writeBytes(LONG_MIN_VALUE);
                return;
            }
            out.writeByte('-');
            writeDecimal(out, -value);
            return;
        }
        int digits = 1;
        for (long bound = 10; digits < 19 && value >= bound; bound *= 10)
        {
            digits++;
        }
        final int start = out.writerIndex();
        out.ensureWritable(digits);
        long rest = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            out.setByte(start + i, (int)('0' + rest % 10));
            rest /= 10;
        }
        out.writerIndex(start + digits);
    }

    private static final byte[] LONG_MIN_VALUE = ascii(Long.toString(Long.MIN_VALUE));
    // The fixed parts of a plain answer, in toJson's order; each names the member whose value follows it.
    private static final byte[] PLAIN_ACCEPTED = ascii("{\"status\":\"accepted\",\"envelopes\":");
    private static final byte[] PLAIN_OVERLOADED = ascii("{\"status\":\"overloaded\",\"envelopes\":");
    private static final byte[] PLAIN_REJECTED = ascii("{\"status\":\"rejected\",\"envelopes\":");
    private static final byte[] PLAIN_ENVELOPES_ACCEPTED = ascii(",\"envelopes_accepted\":");
    private static final byte[] PLAIN_ENVELOPES_DUPLICATE = ascii(",\"envelopes_duplicate\":");
    private static final byte[] PLAIN_FRAMES_ACCEPTED = ascii(",\"frames_accepted\":");
    private static final byte[] PLAIN_ACK_MODE = ascii(",\"ack_mode\":");
    private static final byte[] PLAIN_RING_POSITION = ascii(",\"ring_position\":");
    private static final byte[] PLAIN_JOURNAL_INDEX = ascii(",\"journal_index\":");
    private static final byte[] PLAIN_RETRY_AFTER_S = ascii(",\"retry_after_s\":");

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
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
        final long lastPosition = lastPosition();
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
            // A request cut short by the gateway's state (a full ring or journal, 503/507) or its failure (500)
            // lists each envelope's state; one refused for what it holds (4xx, a 409 included) lists errors.
            JsonText.key(out, status >= 500 ? "envelope_status" : "errors").append('[');
            for (int i = 0; i < details.size(); i++)
            {
                out.append(i == 0 ? "" : ",").append(details.get(i));
            }
            out.append(']');
        }
        return out.append('}').toString();
    }
}
