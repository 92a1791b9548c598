package io.pitgun.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.questdb.client.Sender;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;

/**
 * Writes the pipeline's output frames (the manifest's raw channels and its derived ones) to the QuestDB table
 * {@value #FRAMES_TABLE} and its insights to {@value #INSIGHTS_TABLE}, over the ILP client, in batches of at most
 * {@value #BATCH_ROWS} rows (and whenever the pipeline is idle).
 *
 * <p><b>Exactly once</b>: a frame's row holds its journal position ({@code journal_index}); on connect the sink reads
 * the largest the table holds and skips every frame at or below it (the resume point). Both tables are WAL tables
 * with {@code DEDUP UPSERT KEYS} ({@code (ts, journal_index)}, {@code (ts, insight_id)}), so a row written twice
 * (a batch QuestDB committed whose answer was lost, or rows committed but not yet visible to the resume query) is
 * stored once. The resume point saves the re-sending; deduplication is what makes it exactly once.
 *
 * <p><b>Threading:</b> the sink pipeline's processing thread, except {@link #failure()} and {@link #isFlushed()}.
 */
public final class QuestDbSink implements DatabaseSink
{
    /** The frames table. */
    public static final String FRAMES_TABLE = "pitgun_frames";
    /** The insights table. */
    public static final String INSIGHTS_TABLE = "pitgun_insights";
    /** Most rows sent in one ILP request. */
    public static final int BATCH_ROWS = 10_000;

    static final String CREATE_FRAMES = "CREATE TABLE IF NOT EXISTS " + FRAMES_TABLE +
        " (ts TIMESTAMP, session SYMBOL, source SYMBOL, journal_index LONG, sequence LONG, lap LONG)" +
        " TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, journal_index)";
    static final String CREATE_INSIGHTS = "CREATE TABLE IF NOT EXISTS " + INSIGHTS_TABLE +
        " (ts TIMESTAMP, session SYMBOL, source SYMBOL, kind SYMBOL, insight_id SYMBOL, lap LONG," +
        " end_timestamp_us LONG, frame_count LONG, manifest_sha256 SYMBOL, first_journal_index LONG," +
        " last_journal_index LONG, document VARCHAR)" +
        " TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, insight_id)";

    private static final Logger LOG = LoggerFactory.getLogger(QuestDbSink.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Sender sender;
    private final ChannelNames names;
    private final SinkCounters counters;
    private final long resumeAfter;
    private final String[] sourceNames = new String[1 << 16];
    private long sessionMsb;
    private long sessionLsb;
    private String sessionName;
    private int pendingRows;
    private long pendingPosition = -1;
    private volatile boolean flushed = true;
    private volatile Throwable failure;
    private boolean closed;

    QuestDbSink(final Sender sender, final ChannelNames names, final SinkCounters counters, final long resumeAfter)
    {
        this.sender = sender;
        this.names = names;
        this.counters = counters;
        this.resumeAfter = resumeAfter;
    }

    /**
     * The factory of a {@link JournalSinkRunner}: creates the tables if missing, reads the resume point and opens the
     * ILP sender ({@code auto_flush=off} is added: the sink flushes its own batches).
     *
     * @param ilpConfiguration {@code output.questdb}, e.g. {@code http::addr=127.0.0.1:9000;}.
     */
    public static DatabaseSink.Factory factory(final String ilpConfiguration)
    {
        final QuestDbHttp http = new QuestDbHttp(ilpConfiguration); // checked at start, not at first connect
        final String configuration = ilpConfiguration.contains("auto_flush") ? ilpConfiguration :
            ilpConfiguration + (ilpConfiguration.endsWith(";") ? "" : ";") + "auto_flush=off;";
        return (names, counters) ->
        {
            http.exec(CREATE_FRAMES);
            http.exec(CREATE_INSIGHTS);
            final long resumeAfter = maxJournalIndex(http);
            LOG.info("sink questdb: {} holds frames up to journal position {}; writing from there", http.baseUrl(),
                resumeAfter);
            return new QuestDbSink(Sender.fromConfig(configuration), names, counters, resumeAfter);
        };
    }

    /** The largest {@code journal_index} in the frames table, or -1 when it is empty. */
    static long maxJournalIndex(final QuestDbHttp http) throws IOException
    {
        final JsonNode row = http.exec("SELECT max(journal_index) FROM " + FRAMES_TABLE).path("dataset").path(0);
        final JsonNode value = row.path(0);
        return value.isNumber() ? value.asLong() : -1;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        onDerivedFrame(buffer, offset, length, -1);
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length, final long position)
    {
        if (failure != null)
        {
            return;
        }
        if (position <= resumeAfter)
        {
            counters.onSkipped();
            return;
        }
        try
        {
            sender.table(FRAMES_TABLE)
                .symbol("session", session(buffer, offset))
                .symbol("source", source(buffer.getShort(offset + FrameDescriptor.SOURCE_ID, ORDER) & 0xFFFF));
            final int count = FrameDescriptor.sampleCount(buffer, offset);
            int s = offset + FrameDescriptor.SAMPLES;
            for (int i = 0; i < count; i++, s += FrameDescriptor.SAMPLE_LENGTH)
            {
                final String name = names.name(buffer.getShort(s + FrameDescriptor.SAMPLE_ID, ORDER) & 0xFFFF);
                if (name == null)
                {
                    continue; // an id neither the dictionary nor the manifest names: nothing to call its column
                }
                final int valueType = buffer.getByte(s + FrameDescriptor.SAMPLE_VALUE_TYPE);
                final long bits = buffer.getLong(s + FrameDescriptor.SAMPLE_VALUE, ORDER);
                if (valueType == FrameDescriptor.TYPE_F32 || valueType == FrameDescriptor.TYPE_F64)
                {
                    sender.doubleColumn(name, FrameDescriptor.doubleValue(valueType, bits));
                }
                else if (valueType == FrameDescriptor.TYPE_BOOL)
                {
                    sender.boolColumn(name, bits != 0);
                }
                else
                {
                    sender.longColumn(name, FrameDescriptor.longValue(valueType, bits));
                }
            }
            final int lap = buffer.getShort(offset + FrameDescriptor.LAP_NUMBER, ORDER) & 0xFFFF;
            if (lap != FrameDescriptor.NULL_LAP)
            {
                sender.longColumn("lap", lap);
            }
            sender.longColumn("journal_index", position)
                .longColumn("sequence", buffer.getLong(offset + FrameDescriptor.SEQUENCE, ORDER))
                .at(buffer.getLong(offset + FrameDescriptor.TIMESTAMP_US, ORDER), ChronoUnit.MICROS);
            pendingPosition = position;
            rowAdded();
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failure != null)
        {
            return;
        }
        final JsonNode insight;
        try
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            insight = mapper.readTree(new String(bytes, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            counters.onDropped();
            LOG.warn("sink questdb: an insight that is not JSON was left out: {}", ex.getMessage());
            return;
        }
        try
        {
            final JsonNode window = insight.path("window");
            final JsonNode provenance = insight.path("provenance");
            sender.table(INSIGHTS_TABLE)
                .symbol("session", insight.path("session_id").asText())
                .symbol("source", insight.path("source_id").asText())
                .symbol("kind", insight.path("kind").asText())
                .symbol("insight_id", insight.path("insight_id").asText())
                .symbol("manifest_sha256", provenance.path("manifest_sha256").asText());
            if (insight.has("lap_number"))
            {
                sender.longColumn("lap", insight.path("lap_number").asLong());
            }
            sender.longColumn("end_timestamp_us", window.path("end_timestamp_us").asLong())
                .longColumn("frame_count", window.path("frame_count").asLong())
                .longColumn("first_journal_index", provenance.path("journal_range").path("first_index").asLong())
                .longColumn("last_journal_index", provenance.path("journal_range").path("last_index").asLong())
                .stringColumn("document", insight.toString())
                .at(window.path("start_timestamp_us").asLong(), ChronoUnit.MICROS);
            rowAdded();
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
    }

    @Override
    public void onIdle()
    {
        if (pendingRows > 0 && failure == null)
        {
            flush();
        }
    }

    @Override
    public Throwable failure()
    {
        return failure;
    }

    @Override
    public boolean isFlushed()
    {
        return flushed;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            onIdle();
        }
        finally
        {
            try
            {
                sender.close();
            }
            catch (final RuntimeException ex)
            {
                // close() flushes what the client still holds only when it auto-flushes; ours is already out or failed
                LOG.debug("sink questdb: closing the sender: {}", ex.toString());
            }
        }
    }

    private void rowAdded()
    {
        flushed = false;
        if (++pendingRows >= BATCH_ROWS)
        {
            flush();
        }
    }

    private void flush()
    {
        try
        {
            sender.flush();
            counters.onRowsWritten(pendingRows);
            if (pendingPosition >= 0)
            {
                counters.onPosition(pendingPosition);
            }
            pendingRows = 0;
            flushed = true;
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
    }

    private void fail(final RuntimeException ex)
    {
        if (failure == null)
        {
            failure = ex;
            LOG.warn("sink questdb: write failed ({} rows not confirmed): {}", pendingRows, ex.getMessage());
        }
    }

    private String session(final DirectBuffer buffer, final int offset)
    {
        final long msb = buffer.getLong(offset + FrameDescriptor.SESSION_MSB, ORDER);
        final long lsb = buffer.getLong(offset + FrameDescriptor.SESSION_LSB, ORDER);
        if (sessionName == null || msb != sessionMsb || lsb != sessionLsb)
        {
            // One string per change of session, not per frame.
            sessionMsb = msb;
            sessionLsb = lsb;
            sessionName = new UUID(msb, lsb).toString();
        }
        return sessionName;
    }

    private String source(final int sourceId)
    {
        String name = sourceNames[sourceId];
        if (name == null)
        {
            name = Integer.toString(sourceId);
            sourceNames[sourceId] = name;
        }
        return name;
    }
}
