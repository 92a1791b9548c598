package io.pitgun.replay;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * Writes {@code pitgun-envelope-v1} JSON for one replay session: {@code telemetry.sample_batch} envelopes of
 * frames, and the {@code session.start} / {@code session.end} markers around them. Every envelope gets a fresh
 * {@code event_id}; a retry must resend the same text (same id) so the gateway can recognise it.
 */
public final class EnvelopeBuilder
{
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_INSTANT;

    private final UUID sessionId;
    private final UUID playerId;
    private final int sourceId;

    /**
     * @param sessionId the session every envelope belongs to.
     * @param playerId  the producer ({@code player_id}).
     * @param sourceId  the source id (0..65535), or -1 to leave it out.
     */
    public EnvelopeBuilder(final UUID sessionId, final UUID playerId, final int sourceId)
    {
        if (sourceId < -1 || sourceId > 65_535)
        {
            throw new ReplayInputException("source id must be in [0, 65535], got " + sourceId);
        }
        this.sessionId = sessionId;
        this.playerId = playerId;
        this.sourceId = sourceId;
    }

    public UUID sessionId()
    {
        return sessionId;
    }

    /**
     * A {@code telemetry.sample_batch} envelope.
     *
     * @param eventId       the envelope's id.
     * @param sentAt        the envelope's {@code ts}.
     * @param rows          the frames, in order.
     * @param firstSequence {@code sequence} of the first frame; the others follow one by one.
     * @param timeShiftUs   added to every row's timestamp (later passes of {@code --loop}).
     */
    public String sampleBatch(final UUID eventId, final Instant sentAt, final List<TelemetryRow> rows,
        final long firstSequence, final long timeShiftUs)
    {
        final StringBuilder sb = new StringBuilder(256 + rows.size() * 1600);
        head(sb, eventId, sentAt, "telemetry.sample_batch");
        sb.append("\"payload\":{\"frames\":[");
        for (int i = 0; i < rows.size(); i++)
        {
            final TelemetryRow row = rows.get(i);
            sb.append(i == 0 ? "{" : ",{")
                .append("\"sequence\":").append(firstSequence + i)
                .append(",\"timestamp_us\":").append(row.timestampUs() + timeShiftUs);
            if (row.lapNumber() >= 0)
            {
                sb.append(",\"lap_number\":").append(row.lapNumber());
            }
            if (row.sector() >= 0)
            {
                sb.append(",\"sector\":").append(row.sector());
            }
            sb.append(",\"samples\":{");
            for (int c = 0; c < row.channels().length; c++)
            {
                // Dictionary names are ASCII identifiers: nothing to escape.
                sb.append(c == 0 ? "\"" : ",\"").append(row.channels()[c].name()).append("\":")
                    .append(row.jsonValues()[c]);
            }
            sb.append("}}");
        }
        return sb.append("]}}").toString();
    }

    /** A {@code session.start} marker at capture time {@code timestampUs}, with an optional label (≤ 128 chars). */
    public String sessionStart(final UUID eventId, final Instant sentAt, final long timestampUs, final String label)
    {
        final StringBuilder sb = new StringBuilder(320);
        head(sb, eventId, sentAt, "session.start");
        sb.append("\"payload\":{\"timestamp_us\":").append(timestampUs);
        if (label != null)
        {
            sb.append(",\"label\":");
            quote(sb, label.length() > 128 ? label.substring(0, 128) : label);
        }
        return sb.append("}}").toString();
    }

    /** A {@code session.end} marker at capture time {@code timestampUs}. */
    public String sessionEnd(final UUID eventId, final Instant sentAt, final long timestampUs)
    {
        final StringBuilder sb = new StringBuilder(320);
        head(sb, eventId, sentAt, "session.end");
        return sb.append("\"payload\":{\"timestamp_us\":").append(timestampUs).append("}}").toString();
    }

    private void head(final StringBuilder sb, final UUID eventId, final Instant sentAt, final String eventType)
    {
        sb.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"").append(eventId)
            .append("\",\"ts\":\"").append(RFC_3339.format(sentAt))
            .append("\",\"player_id\":\"").append(playerId)
            .append("\",\"session_id\":\"").append(sessionId).append('"');
        if (sourceId >= 0)
        {
            sb.append(",\"source_id\":").append(sourceId);
        }
        sb.append(",\"event_type\":\"").append(eventType).append("\",");
    }

    private static void quote(final StringBuilder sb, final String text)
    {
        sb.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
