package io.pitgun.replay;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay did: envelopes and frames sent, acknowledged and refused (by status and reason), rows skipped for
 * having no sample, retries after back-pressure, and the send → answer latency of every acknowledged envelope
 * (HdrHistogram, µs, 3 significant digits up to one minute).
 */
public final class ReplayStats
{
    /** How many lines of rows without samples the summary names; the count covers the rest. */
    private static final int LINES_NAMED = 5;

    private final Histogram latencyUs = new Histogram(60_000_000L, 3);
    private final Map<String, long[]> rejected = new TreeMap<>();
    private long envelopesSent;
    private long framesSent;
    private long envelopesAcked;
    private long framesAcked;
    private long duplicates;
    private long retries;
    private long markersAcked;
    private long framesNotSent;
    private long rowsWithoutSamples;
    private final List<Long> linesWithoutSamples = new ArrayList<>(LINES_NAMED);
    /** Whether rows without samples stand on more lines than those named. */
    private boolean moreLinesWithoutSamples;
    private String stoppedBecause;
    private long elapsedNanos;

    void onSent(final int frames)
    {
        envelopesSent++;
        framesSent += frames;
    }

    void onAcked(final int frames, final SendOutcome outcome)
    {
        envelopesAcked++;
        framesAcked += frames;
        if (outcome.duplicate())
        {
            duplicates++;
        }
        latencyUs.recordValue(Math.min(latencyUs.getHighestTrackableValue(), Math.max(0, outcome.latencyNanos() / 1_000)));
    }

    void onRejected(final int frames, final String why)
    {
        final long[] counts = rejected.computeIfAbsent(why, key -> new long[2]);
        counts[0]++;
        counts[1] += frames;
    }

    void onRowWithoutSamples(final long lineNumber)
    {
        rowsWithoutSamples++;
        if (linesWithoutSamples.contains(lineNumber))
        {
            return; // the same line in a later pass of --loop
        }
        if (linesWithoutSamples.size() < LINES_NAMED)
        {
            linesWithoutSamples.add(lineNumber);
        }
        else
        {
            moreLinesWithoutSamples = true;
        }
    }

    void onRetry()
    {
        retries++;
    }

    void onMarkerAcked()
    {
        markersAcked++;
    }

    /**
     * The run ended early (the gateway refused this client, or stopped answering): {@code frames} of the file were
     * never sent.
     */
    void onStopped(final long frames, final String why)
    {
        framesNotSent = Math.max(0, frames);
        stoppedBecause = why;
    }

    void elapsed(final long nanos)
    {
        elapsedNanos = nanos;
    }

    public long envelopesSent()
    {
        return envelopesSent;
    }

    public long framesSent()
    {
        return framesSent;
    }

    public long envelopesAcked()
    {
        return envelopesAcked;
    }

    public long framesAcked()
    {
        return framesAcked;
    }

    public long retries()
    {
        return retries;
    }

    /** Session start/end markers the gateway acknowledged. */
    public long markersAcked()
    {
        return markersAcked;
    }

    /** Frames of the file not sent because the run ended early ({@link #stoppedBecause()}). */
    public long framesNotSent()
    {
        return framesNotSent;
    }

    /** Rows of the CSV (of every pass) whose channel cells were all empty: no frame, not sent. */
    public long rowsWithoutSamples()
    {
        return rowsWithoutSamples;
    }

    /**
     * Why the run stopped before the end of the file (the gateway refused this client, 401 or 403, or stopped
     * answering), or null.
     */
    public String stoppedBecause()
    {
        return stoppedBecause;
    }

    /** Refused envelopes by {@code "<status> <reason>"}: {envelopes, frames}. */
    public Map<String, long[]> rejected()
    {
        return rejected;
    }

    public long envelopesRejected()
    {
        long total = 0;
        for (final long[] counts : rejected.values())
        {
            total += counts[0];
        }
        return total;
    }

    /** Send → acknowledgement latencies, µs. */
    public Histogram latencyUs()
    {
        return latencyUs;
    }

    /** The summary printed at the end of a replay. */
    public String summary(final String endpoint)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("replay of %d frames in %d envelopes to %s took %.1f s%n",
            framesSent, envelopesSent, endpoint, elapsedNanos / 1e9));
        sb.append(String.format("  acked:    %d envelopes, %d frames%s%n", envelopesAcked, framesAcked,
            duplicates > 0 ? " (" + duplicates + " recognised as retries of envelopes already accepted)" : ""));
        sb.append(String.format("  rejected: %d envelopes%n", envelopesRejected()));
        for (final Map.Entry<String, long[]> entry : rejected.entrySet())
        {
            sb.append(String.format("    %-40s %d envelopes, %d frames%n", entry.getKey(), entry.getValue()[0],
                entry.getValue()[1]));
        }
        if (stoppedBecause != null)
        {
            sb.append(String.format("  not sent: %d frames (stopped: %s)%n", framesNotSent, stoppedBecause));
        }
        if (rowsWithoutSamples > 0)
        {
            final StringBuilder lines = new StringBuilder();
            for (final long line : linesWithoutSamples)
            {
                lines.append(lines.length() == 0 ? "" : ", ").append(line);
            }
            sb.append(String.format("  skipped:  %d rows without samples (line%s %s%s)%n", rowsWithoutSamples,
                linesWithoutSamples.size() == 1 ? "" : "s", lines,
                moreLinesWithoutSamples ? ", …" : ""));
        }
        if (retries > 0)
        {
            sb.append(String.format("  retried:  %d time%s after 429/503, a broken connection or no answer " +
                "(same event_id)%n", retries, retries == 1 ? "" : "s"));
        }
        if (latencyUs.getTotalCount() > 0)
        {
            sb.append(String.format("  latency send→ack (µs): p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                latencyUs.getValueAtPercentile(50), latencyUs.getValueAtPercentile(90),
                latencyUs.getValueAtPercentile(99), latencyUs.getValueAtPercentile(99.9), latencyUs.getMaxValue()));
        }
        return sb.toString();
    }
}
