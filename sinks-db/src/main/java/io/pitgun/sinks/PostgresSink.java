package io.pitgun.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.DirectBuffer;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/**
 * Writes the pipeline's insights to PostgreSQL: one row of {@code insights} per insight id (the contract's fields as
 * columns, the document as {@code jsonb}), upserted, so an insight derived again (after a restart the journal is run
 * again from its start) replaces its row instead of adding one. {@code laps}, {@code runs} and {@code sessions} are
 * views over it. The schema is created and migrated by Flyway from the versioned scripts in {@code db/pitgun} (history
 * table {@value #HISTORY_TABLE}). Derived frames are QuestDB's business, not this sink's.
 *
 * <p>Upserts are batched: committed every {@value #BATCH_INSIGHTS} insights and whenever the pipeline is idle.
 * <b>Threading:</b> the sink pipeline's processing thread, except {@link #failure()} and {@link #isFlushed()}.
 */
public final class PostgresSink implements DatabaseSink
{
    /** Flyway's history table. */
    public static final String HISTORY_TABLE = "pitgun_schema_history";
    /** Most insights in one transaction. */
    public static final int BATCH_INSIGHTS = 256;

    static final String UPSERT = "INSERT INTO insights (insight_id, schema_version, kind, session_id, player_id, " +
        "source_id, lap_number, start_timestamp_us, end_timestamp_us, frame_count, first_sequence, last_sequence, " +
        "manifest_sha256, manifest_name, signer_key_id, first_journal_index, last_journal_index, dictionary, " +
        "dictionary_sha256, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) " +
        "ON CONFLICT (insight_id) DO UPDATE SET schema_version = EXCLUDED.schema_version, kind = EXCLUDED.kind, " +
        "session_id = EXCLUDED.session_id, player_id = EXCLUDED.player_id, source_id = EXCLUDED.source_id, " +
        "lap_number = EXCLUDED.lap_number, start_timestamp_us = EXCLUDED.start_timestamp_us, " +
        "end_timestamp_us = EXCLUDED.end_timestamp_us, frame_count = EXCLUDED.frame_count, " +
        "first_sequence = EXCLUDED.first_sequence, last_sequence = EXCLUDED.last_sequence, " +
        "manifest_sha256 = EXCLUDED.manifest_sha256, manifest_name = EXCLUDED.manifest_name, " +
        "signer_key_id = EXCLUDED.signer_key_id, first_journal_index = EXCLUDED.first_journal_index, " +
        "last_journal_index = EXCLUDED.last_journal_index, dictionary = EXCLUDED.dictionary, " +
        "dictionary_sha256 = EXCLUDED.dictionary_sha256, document = EXCLUDED.document, written_at = now()";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Connection connection;
    private final PreparedStatement upsert;
    private final SinkCounters counters;
    private int pending;
    private volatile boolean flushed = true;
    private volatile Throwable failure;
    private boolean closed;

    private PostgresSink(final Connection connection, final SinkCounters counters) throws SQLException
    {
        this.connection = connection;
        this.counters = counters;
        connection.setAutoCommit(false);
        this.upsert = connection.prepareStatement(UPSERT);
    }

    /**
     * The factory of a {@link JournalSinkRunner}: migrates the schema, then connects.
     *
     * @param jdbcUrl {@code output.postgres}, e.g. {@code jdbc:postgresql://127.0.0.1:5432/pitgun?user=pitgun}.
     */
    public static DatabaseSink.Factory factory(final String jdbcUrl)
    {
        if (!jdbcUrl.startsWith("jdbc:postgresql:"))
        {
            throw new IllegalArgumentException("output.postgres must be a jdbc:postgresql: URL, got '" +
                redacted(jdbcUrl) + "'");
        }
        return (names, counters) ->
        {
            migrate(jdbcUrl);
            return new PostgresSink(DriverManager.getConnection(jdbcUrl), counters);
        };
    }

    /** Creates or migrates the schema to this build's version (Flyway, scripts in {@code db/pitgun}). */
    public static void migrate(final String jdbcUrl)
    {
        Flyway.configure(PostgresSink.class.getClassLoader())
            .dataSource(jdbcUrl, null, null)
            .locations("classpath:db/pitgun")
            .table(HISTORY_TABLE)
            .baselineOnMigrate(false)
            .load()
            .migrate();
    }

    /** The URL without its query (which may hold a password), for messages. */
    public static String redacted(final String jdbcUrl)
    {
        final int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        // Frames go to QuestDB; PostgreSQL holds runs, laps and insights.
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failure != null)
        {
            return;
        }
        final JsonNode insight;
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final String document = new String(bytes, StandardCharsets.UTF_8);
        try
        {
            insight = mapper.readTree(document);
            UUID.fromString(insight.path("insight_id").asText());
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            counters.onDropped();
            LOG.warn("sink postgres: an insight without JSON or an insight_id was left out: {}", ex.getMessage());
            return;
        }
        try
        {
            bind(insight, document);
            upsert.addBatch();
            flushed = false;
            if (++pending >= BATCH_INSIGHTS)
            {
                commit();
            }
        }
        catch (final SQLException | RuntimeException ex)
        {
            fail(ex);
        }
    }

    private void bind(final JsonNode insight, final String document) throws SQLException
    {
        final JsonNode window = insight.path("window");
        final JsonNode provenance = insight.path("provenance");
        final JsonNode range = provenance.path("journal_range");
        int i = 1;
        upsert.setObject(i++, UUID.fromString(insight.path("insight_id").asText()));
        upsert.setString(i++, insight.path("schema_version").asText());
        upsert.setString(i++, insight.path("kind").asText());
        upsert.setObject(i++, UUID.fromString(insight.path("session_id").asText()));
        upsert.setObject(i++, insight.has("player_id") ? UUID.fromString(insight.path("player_id").asText()) : null,
            Types.OTHER);
        upsert.setInt(i++, insight.path("source_id").asInt());
        setLong(i++, insight.path("lap_number"), true);
        upsert.setLong(i++, window.path("start_timestamp_us").asLong());
        upsert.setLong(i++, window.path("end_timestamp_us").asLong());
        upsert.setLong(i++, window.path("frame_count").asLong());
        setLong(i++, window.path("first_sequence"), false);
        setLong(i++, window.path("last_sequence"), false);
        upsert.setString(i++, provenance.path("manifest_sha256").asText());
        setText(i++, provenance.path("manifest_name"));
        setText(i++, provenance.path("signer_key_id"));
        setLong(i++, range.path("first_index"), false);
        setLong(i++, range.path("last_index"), false);
        setText(i++, provenance.path("dictionary"));
        setText(i++, provenance.path("dictionary_sha256"));
        upsert.setString(i, document);
    }

    private void setLong(final int i, final JsonNode value, final boolean integer) throws SQLException
    {
        if (!value.isNumber())
        {
            upsert.setNull(i, integer ? Types.INTEGER : Types.BIGINT);
        }
        else if (integer)
        {
            upsert.setInt(i, value.asInt());
        }
        else
        {
            upsert.setLong(i, value.asLong());
        }
    }

    private void setText(final int i, final JsonNode value) throws SQLException
    {
        if (value.isTextual())
        {
            upsert.setString(i, value.asText());
        }
        else
        {
            upsert.setNull(i, Types.VARCHAR);
        }
    }

    @Override
    public void onIdle()
    {
        if (pending > 0 && failure == null)
        {
            commit();
        }
    }

    private void commit()
    {
        try
        {
            upsert.executeBatch();
            connection.commit();
            counters.onRowsWritten(pending);
            pending = 0;
            flushed = true;
        }
        catch (final SQLException | RuntimeException ex)
        {
            fail(ex);
        }
    }

    private void fail(final Exception ex)
    {
        if (failure == null)
        {
            failure = ex;
            LOG.warn("sink postgres: write failed ({} insights not committed): {}", pending, ex.getMessage());
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
                connection.close();
            }
            catch (final SQLException ex)
            {
                LOG.debug("sink postgres: closing the connection: {}", ex.toString());
            }
        }
    }
}
