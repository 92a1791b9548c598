package io.pitgun.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Writes {@code insight-contract/v1} documents. Cold path (once per lap or session), so it builds Jackson trees.
 * Field order is fixed and every number comes from frames, so a replay writes identical bytes. Insight ids are
 * name-based UUIDs of (manifest digest, session, source, kind, lap, the window's first journal index): the same for
 * the same window in every replay, and different for two windows of one lap number — a lap seen again (a flashback,
 * a logger that numbers laps again), or a session whose frames come again after its {@code SessionEnd} (a batch
 * delayed in transit) — whose summaries would otherwise overwrite each other where insights are stored by id.
 */
final class InsightWriter
{
    static final String SCHEMA_VERSION = "insight-contract/v1";
    /** A double whose text is as long as any (Double.toString: a sign, 17 digits, a point and E-308; 24 characters). */
    private static final double WIDEST_DOUBLE = -2.2250738585072014E-308;

    private final ObjectMapper mapper = new ObjectMapper();
    private final String manifestSha256;
    private final String manifestName;
    private final String dictionary;
    private final String signerKeyId;
    private final String dictionarySha256;

    /**
     * @param dictionarySha256 {@link DictionaryDigest} of the dictionary the channels resolve in.
     * @param signerKeyId the key id of the trusted key the manifest was verified with, or null when no signature
     *                    was required (then the insight has no {@code signer_key_id}).
     */
    InsightWriter(final String manifestSha256, final String manifestName, final String dictionary,
        final String dictionarySha256, final String signerKeyId)
    {
        this.dictionarySha256 = dictionarySha256;
        this.signerKeyId = signerKeyId;
        this.manifestSha256 = manifestSha256;
        this.manifestName = manifestName;
        this.dictionary = dictionary;
    }

    /** The id of the insight of {@code kind} over {@code window} ({@code lapNumber} -1 for a session's). */
    String insightId(final StreamState stream, final String kind, final int lapNumber, final SegmentWindow window)
    {
        final String name = "pitgun-insight:" + manifestSha256 + ":" + new UUID(stream.sessionMsb, stream.sessionLsb) +
            ":" + stream.sourceId + ":" + kind + ":" + lapNumber + ":" + window.firstJournalIndex;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    byte[] lapSummary(final StreamState stream, final SegmentWindow window,
        final List<SegmentPlan.Aggregate> aggregates, final String insightId)
    {
        return lapSummary(stream, window, aggregates, insightId, false);
    }

    byte[] sessionSummary(final StreamState stream, final SegmentWindow window,
        final List<SegmentPlan.Aggregate> aggregates, final List<StreamSegments.LapEntry> laps, final long lapsOmitted)
    {
        return sessionSummary(stream, window, aggregates, laps, lapsOmitted, false);
    }

    /**
     * The longest, in bytes, that a lap summary, or a session summary ({@code session}), of {@code aggregates} by
     * this writer can be, but for the laps a session summary lists: written as any other, every number as long as
     * its type's text can be (a double's 24 characters, a long's 20), its channel names, units and percentile keys
     * its own. The laps listed are left out: how many (up to {@link StreamSegments#MAX_LISTED_LAPS}, about 90 KB)
     * depends on the session, not on the manifest.
     */
    int widestLength(final List<SegmentPlan.Aggregate> aggregates, final boolean session)
    {
        final StreamState stream = new StreamState(null, null);
        stream.sourceId = Integer.MIN_VALUE;
        final SegmentWindow window = new SegmentWindow(aggregates);
        window.lapNumber = Integer.MIN_VALUE;
        window.startTimestampUs = window.endTimestampUs = window.frameCount = Long.MIN_VALUE;
        window.firstSequence = window.lastSequence = Long.MIN_VALUE;
        window.firstJournalIndex = window.lastJournalIndex = Long.MIN_VALUE;
        final String insightId = new UUID(0, 0).toString(); // every UUID's text is as long
        if (!session)
        {
            return lapSummary(stream, window, aggregates, insightId, true).length;
        }
        return sessionSummary(stream, window, aggregates, List.of(), Long.MAX_VALUE, true).length;
    }

    /** {@code widest}: every statistic as {@link #WIDEST_DOUBLE}, every count as its widest. */
    private byte[] lapSummary(final StreamState stream, final SegmentWindow window,
        final List<SegmentPlan.Aggregate> aggregates, final String insightId, final boolean widest)
    {
        final ObjectNode doc = header(stream, "lap_summary", insightId);
        doc.put("lap_number", window.lapNumber);
        body(doc, window, aggregates, widest);
        return bytes(doc);
    }

    private byte[] sessionSummary(final StreamState stream, final SegmentWindow window,
        final List<SegmentPlan.Aggregate> aggregates, final List<StreamSegments.LapEntry> laps, final long lapsOmitted,
        final boolean widest)
    {
        final ObjectNode doc = header(stream, "session_summary", insightId(stream, "session_summary", -1, window));
        body(doc, window, aggregates, widest);
        if (!laps.isEmpty())
        {
            final ArrayNode array = doc.putArray("laps");
            for (final StreamSegments.LapEntry lap : laps)
            {
                final ObjectNode entry = array.addObject();
                entry.put("lap_number", lap.lapNumber());
                entry.put("start_timestamp_us", lap.startTimestampUs());
                entry.put("end_timestamp_us", lap.endTimestampUs());
                entry.put("frame_count", lap.frameCount());
                entry.put("lap_time_s", (lap.endTimestampUs() - lap.startTimestampUs()) / 1e6);
                entry.put("insight_id", lap.insightId());
            }
        }
        if (lapsOmitted > 0)
        {
            doc.put("laps_omitted", lapsOmitted);
        }
        return bytes(doc);
    }

    private ObjectNode header(final StreamState stream, final String kind, final String insightId)
    {
        final ObjectNode doc = mapper.createObjectNode();
        doc.put("schema_version", SCHEMA_VERSION);
        doc.put("insight_id", insightId);
        doc.put("kind", kind);
        doc.put("session_id", new UUID(stream.sessionMsb, stream.sessionLsb).toString());
        doc.put("player_id", new UUID(stream.producerMsb, stream.producerLsb).toString());
        doc.put("source_id", stream.sourceId);
        return doc;
    }

    private void body(final ObjectNode doc, final SegmentWindow window, final List<SegmentPlan.Aggregate> aggregates,
        final boolean widest)
    {
        final ObjectNode w = doc.putObject("window");
        w.put("start_timestamp_us", window.startTimestampUs);
        w.put("end_timestamp_us", window.endTimestampUs);
        w.put("frame_count", window.frameCount);
        w.put("first_sequence", window.firstSequence);
        w.put("last_sequence", window.lastSequence);
        final ObjectNode provenance = doc.putObject("provenance");
        provenance.put("manifest_sha256", manifestSha256);
        provenance.put("manifest_name", manifestName);
        if (signerKeyId != null)
        {
            provenance.put("signer_key_id", signerKeyId);
        }
        final ObjectNode range = provenance.putObject("journal_range");
        range.put("first_index", window.firstJournalIndex);
        range.put("last_index", window.lastJournalIndex);
        provenance.put("dictionary", dictionary);
        provenance.put("dictionary_sha256", dictionarySha256);
        final ObjectNode channels = doc.putObject("channels");
        for (int i = 0; i < aggregates.size(); i++)
        {
            final SegmentPlan.Aggregate aggregate = aggregates.get(i);
            final ChannelStats stats = window.stats[i];
            final ObjectNode c = channels.putObject(aggregate.channel());
            if (aggregate.unit() != null)
            {
                c.put("unit", aggregate.unit());
            }
            final long count = widest ? Long.MIN_VALUE : stats.count();
            for (final SegmentStatistic statistic : aggregate.statistics())
            {
                if (statistic == SegmentStatistic.COUNT)
                {
                    c.put(statistic.symbol(), count);
                }
                else
                {
                    number(c, statistic.symbol(), count, widest ? WIDEST_DOUBLE : statistic.valueOf(stats));
                }
            }
            if (aggregate.percentiles().length > 0)
            {
                final ObjectNode percentiles = c.putObject("percentiles");
                if (count > 0)
                {
                    stats.sortValues();
                }
                for (final double p : aggregate.percentiles())
                {
                    number(percentiles, percentileKey(p), count,
                        widest ? WIDEST_DOUBLE : count > 0 ? stats.percentile(p) : Double.NaN);
                }
            }
        }
    }

    private static void number(final ObjectNode node, final String field, final long count, final double value)
    {
        if (count == 0 || !Double.isFinite(value))
        {
            node.putNull(field);
        }
        else
        {
            node.put(field, value);
        }
    }

    static String percentileKey(final double p)
    {
        return "p" + BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }

    private byte[] bytes(final ObjectNode doc)
    {
        try
        {
            return mapper.writeValueAsBytes(doc);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write an insight document", ex);
        }
    }
}
