package io.pitgun.scaleout;

import io.pitgun.journal.Journal;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Renders a hive's counters in the Prometheus text exposition format 0.0.4 ({@code GET /metrics} of
 * {@link HiveMetricsServer}): hive-wide families, then one sample per edge (label {@code edge="EDGE_ID"}) of each
 * family in {@link #EDGE_FAMILIES}. Names follow Prometheus conventions (base units, {@code _total} counters,
 * {@code pitgun_hive_} prefix; seed 002's {@code events} for frames), so {@code promtool check metrics} reports
 * nothing. Cold path: built on request from counters the writer's thread publishes (volatile fields, the driver's
 * counters), never by asking that thread.
 */
public final class HiveMetrics
{
    /** The content type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The label naming the edge in per-edge families. */
    public static final String EDGE_LABEL = "edge";

    /**
     * One per-edge family: its name, Prometheus type, help and how to read it from an edge's writer, a whole number
     * written exactly (a journal position passes 2^53, where a double would round it), or thousandths when
     * {@code milli}.
     */
    private record EdgeFamily(String name, String type, String help, ToLongFunction<HiveEdgeWriter> value,
        boolean milli)
    {
        EdgeFamily(final String name, final String type, final String help, final ToLongFunction<HiveEdgeWriter> value)
        {
            this(name, type, help, value, false);
        }
    }

    /**
     * Every per-edge family: the one place per-edge lines are defined (a family added here is rendered for every
     * edge). {@code pitgun_hive_edge_held_position} is -1 while the hive holds nothing of the edge; it is written
     * exactly, though Prometheus stores samples as doubles (exact up to 2^53: compare positions with
     * {@code pitgun hive status}, which reads the text).
     */
    private static final List<EdgeFamily> EDGE_FAMILIES = List.of(
        new EdgeFamily("pitgun_hive_edge_held_position", "gauge",
            "The last edge journal position the hive holds durably (-1: none).",
            w ->
            {
                final long held = w.heldIndex();
                return held == Journal.NO_INDEX ? -1 : held;
            }),
        new EdgeFamily("pitgun_hive_events_written_total", "counter",
            "Frames written to the edge's journal at the hive since the hive started.", HiveEdgeWriter::framesWritten),
        new EdgeFamily("pitgun_hive_duplicates_dropped_total", "counter",
            "Frames received that the hive already held (resends after a rewind), dropped.",
            HiveEdgeWriter::duplicatesDropped),
        new EdgeFamily("pitgun_hive_gaps_total", "counter",
            "Batches refused because the hive did not hold their predecessor (a rewind was asked for).",
            HiveEdgeWriter::gaps),
        new EdgeFamily("pitgun_hive_malformed_batches_total", "counter",
            "Batches refused whole: lengths that cannot fit their datagram, positions not increasing, a failed write.",
            HiveEdgeWriter::malformedBatches),
        new EdgeFamily("pitgun_hive_batches_short_of_space_total", "counter",
            "Batches not written, nor acknowledged, because the hive's disk was short of space (the edge resends).",
            HiveEdgeWriter::batchesShortOfSpace),
        new EdgeFamily("pitgun_hive_edge_batches_received_total", "counter",
            "Batches and hellos received from the edge, resends and refused ones included.",
            HiveEdgeWriter::batchesReceived),
        new EdgeFamily("pitgun_hive_bytes_received_total", "counter",
            "Bytes of the batches received from the edge.", HiveEdgeWriter::bytesReceived),
        new EdgeFamily("pitgun_hive_edge_last_seen_timestamp_seconds", "gauge",
            "When the edge was last heard from (Unix time, seconds; 0: not since the hive started).",
            HiveEdgeWriter::lastSeenMs, true),
        new EdgeFamily("pitgun_hive_duplicate_edge_refusals_total", "counter",
            "Batches refused because another live connection ships under the same edge id.",
            HiveEdgeWriter::duplicateEdgeRefusals));

    private HiveMetrics()
    {
    }

    /** The hive's counters, now. */
    public static String render(final Hive hive)
    {
        final StringBuilder out = new StringBuilder(4096);
        final List<HiveEdgeWriter> edges = hive.edges();
        family(out, "pitgun_hive_edges", "gauge",
            "Edges the hive holds: heard from since it started, less those released (at most --max-edges).");
        sample(out, "pitgun_hive_edges", null, edges.size());
        long batches = 0;
        for (final HiveEdgeWriter edge : edges)
        {
            batches += edge.batchesReceived();
        }
        family(out, "pitgun_hive_batches_received_total", "counter",
            "Batches and hellos received from all edges (pitgun_hive_edge_batches_received_total per edge).");
        sample(out, "pitgun_hive_batches_received_total", null, batches);
        family(out, "pitgun_hive_fragments_ignored_total", "counter",
            "Messages on the shipping stream that were not batches, ignored.");
        sample(out, "pitgun_hive_fragments_ignored_total", null, hive.fragmentsIgnored());
        family(out, "pitgun_hive_archive_recording_restarts_total", "counter",
            "Times the Archive's recording restarted because one being written passed --archive-max-recording-bytes.");
        sample(out, "pitgun_hive_archive_recording_restarts_total", null, hive.archiveRecordingRestarts());
        family(out, "pitgun_hive_edges_refused_total", "counter",
            "Batches ignored because they came from a new edge id when the hive already had --max-edges edges.");
        sample(out, "pitgun_hive_edges_refused_total", null, hive.edgesRefused());
        family(out, "pitgun_hive_edge_directories", "gauge",
            "Edge directories in the hive's data directory, as last counted (at most --max-edge-directories made by " +
                "unauthenticated batches).");
        sample(out, "pitgun_hive_edge_directories", null, hive.edgeDirectories());
        family(out, "pitgun_hive_edge_directories_refused_total", "counter",
            "Unauthenticated batches ignored because their new edge id would make a directory past " +
                "--max-edge-directories.");
        sample(out, "pitgun_hive_edge_directories_refused_total", null, hive.edgeDirectoriesRefused());
        family(out, "pitgun_hive_edges_released_total", "counter",
            "Edges whose connection had gone, released (journal closed) to make room for a new edge at --max-edges.");
        sample(out, "pitgun_hive_edges_released_total", null, hive.edgesReleased());
        family(out, "pitgun_hive_damaged_edge_batches_total", "counter",
            "Batches ignored, unacknowledged, because their edge's journal is damaged (pitgun journal verify: where).");
        sample(out, "pitgun_hive_damaged_edge_batches_total", null, hive.batchesOfDamagedEdges());
        family(out, "pitgun_hive_replies_refused_total", "counter",
            "Reply channels refused: naming another host than the one the edge's batches come from.");
        sample(out, "pitgun_hive_replies_refused_total", null, hive.repliesRefused());
        for (final EdgeFamily f : EDGE_FAMILIES)
        {
            family(out, f.name(), f.type(), f.help());
            for (final HiveEdgeWriter edge : edges)
            {
                final long value = f.value().applyAsLong(edge);
                if (f.milli())
                {
                    sampleMilli(out, f.name(), edge.edgeId().toString(), value);
                }
                else
                {
                    sample(out, f.name(), edge.edgeId().toString(), value);
                }
            }
        }
        family(out, "pitgun_hive_derive_journal_gaps_total", "counter",
            "Gaps between cycle files of the edge's journal that its derived output read across (a cycle file " +
            "deleted from the middle of it): what the missing entries held is not in the output (logged at WARN).");
        for (final HiveEdgeDeriver deriver : hive.derivedOutputs())
        {
            sample(out, "pitgun_hive_derive_journal_gaps_total", deriver.edgeId(), deriver.journalGaps());
        }
        family(out, "pitgun_hive_derive_pipelines", "gauge",
            "Derived-output pipelines open now, each with a thread: the edges followed, and at most " +
                HiveDeriveAgent.CATCH_UP_PIPELINES + " edges on disk.");
        sample(out, "pitgun_hive_derive_pipelines", null, hive.derivePipelines());
        family(out, "pitgun_hive_derive_edges_waiting", "gauge",
            "Edges on disk, not shipping to this hive, whose output waits its turn to be derived again.");
        sample(out, "pitgun_hive_derive_edges_waiting", null, hive.deriveEdgesWaiting());
        family(out, "pitgun_hive_derive_edges_completed_total", "counter",
            "Edges on disk or released, not shipping to this hive, whose output was derived whole and its pipeline " +
                "closed.");
        sample(out, "pitgun_hive_derive_edges_completed_total", null, hive.deriveEdgesCompleted());
        family(out, "pitgun_hive_derive_edges_skipped_total", "counter",
            "Edges on disk whose output was found whole and unchanged at start (its derived.complete mark trusted), " +
                "not derived again.");
        sample(out, "pitgun_hive_derive_edges_skipped_total", null, hive.deriveEdgesSkipped());
        family(out, "pitgun_hive_derive_edges_skipped_failed_total", "counter",
            "Edges on disk whose derivation failed on the same journal with the same pipeline (its derived.complete " +
                "mark says so), which fail alike every time: not derived again, logged.");
        sample(out, "pitgun_hive_derive_edges_skipped_failed_total", null, hive.deriveEdgesSkippedFailed());
        family(out, "pitgun_hive_derive_marks_distrusted_total", "counter",
            "derived.complete marks not trusted, the edge derived again, by reason (unreadable, pipeline, journal, " +
                "output, content).");
        for (final HiveDerivedMark.Distrust reason : HiveDerivedMark.Distrust.values())
        {
            out.append("pitgun_hive_derive_marks_distrusted_total{reason=\"").append(reason.label()).append("\"} ")
                .append(hive.deriveMarksDistrusted(reason)).append('\n');
        }
        family(out, "pitgun_hive_archive_recordings_purged_total", "counter",
            "Finished recordings purged from the Archive (their batches are in the edges' journals, or shipped again).");
        sample(out, "pitgun_hive_archive_recordings_purged_total", null, hive.archiveRecordingsPurged());
        family(out, "pitgun_hive_archive_purged_bytes_total", "counter", "Bytes of the recordings purged.");
        sample(out, "pitgun_hive_archive_purged_bytes_total", null, hive.archiveBytesPurged());
        family(out, "pitgun_hive_archive_retention_failures_total", "counter",
            "Archive listings or purges that failed (tried again at the next sweep).");
        sample(out, "pitgun_hive_archive_retention_failures_total", null, hive.archiveRetentionFailures());
        family(out, "pitgun_hive_unauthenticated_batches_total", "counter",
            "Batches refused as unauthenticated, by reason (unknown_edge, missing_mac, bad_mac, not_loopback, " +
                "stale_nonce).");
        for (final HiveAgent.UnauthenticatedReason reason : HiveAgent.UnauthenticatedReason.values())
        {
            out.append("pitgun_hive_unauthenticated_batches_total{reason=\"").append(reason.label()).append("\"} ")
                .append(hive.unauthenticatedBatches(reason)).append('\n');
        }
        family(out, "pitgun_hive_start_phase_seconds", "gauge",
            "How long each phase of this hive's start took (the line 'hive start:' of its log).");
        for (final HiveStartPhases.Phase phase : hive.startPhases())
        {
            final long micros = phase.durationNs() / 1_000;
            final long fraction = micros % 1_000_000;
            out.append("pitgun_hive_start_phase_seconds{phase=\"").append(phase.name().replace(' ', '_'))
                .append("\"} ").append(micros / 1_000_000).append('.')
                .append(String.format(java.util.Locale.ROOT, "%06d", fraction)).append('\n');
        }
        family(out, "pitgun_hive_start_timeouts_total", "counter",
            "Bounded waits of this hive's start that ran out (0 unless the start stalled).");
        sample(out, "pitgun_hive_start_timeouts_total", null, hive.startTimeoutsHit());
        family(out, "pitgun_hive_edge_secrets_reloads_total", "counter",
            "Times --edge-secrets was read again after its file changed.");
        sample(out, "pitgun_hive_edge_secrets_reloads_total", null, hive.edgeSecretsReloads());
        family(out, "pitgun_hive_edge_secrets_reload_failures_total", "counter",
            "Changes of --edge-secrets that did not read (the secrets before stay in force).");
        sample(out, "pitgun_hive_edge_secrets_reload_failures_total", null, hive.edgeSecretsReloadFailures());
        family(out, "pitgun_hive_archive_replayed_bytes", "gauge",
            "Bytes of the Archive's record replayed into the edges' journals when the hive started.");
        sample(out, "pitgun_hive_archive_replayed_bytes", null, hive.archiveReplayedBytes());
        family(out, "pitgun_hive_archive_batches_not_recorded_total", "counter",
            "Batches appended to a journal that the Archive's record lacks (the Archive back-pressured too long).");
        sample(out, "pitgun_hive_archive_batches_not_recorded_total", null, hive.archiveBatchesNotRecorded());
        family(out, "pitgun_hive_archive_recording_position_bytes", "gauge",
            "Bytes the Archive has recorded, per recording being written now (the hive's record: one).");
        hive.forEachActiveRecording((recordingId, position) -> out
            .append("pitgun_hive_archive_recording_position_bytes{recording_id=\"").append(recordingId)
            .append("\"} ").append(position).append('\n'));
        return out.toString();
    }

    private static void family(final StringBuilder out, final String name, final String type, final String help)
    {
        // The helps are this class's constants: no backslash or newline to escape.
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A sample, labelled with {@code edge} unless null (an edge id is a UUID: nothing to escape). */
    private static void sample(final StringBuilder out, final String name, final String edge, final long value)
    {
        series(out, name, edge).append(value).append('\n');
    }

    /** A sample of {@code thousandths} / 1000, written exactly. */
    private static void sampleMilli(final StringBuilder out, final String name, final String edge,
        final long thousandths)
    {
        final long fraction = Math.abs(thousandths % 1000);
        series(out, name, edge).append(thousandths / 1000).append('.')
            .append(fraction < 100 ? (fraction < 10 ? "00" : "0") : "").append(fraction).append('\n');
    }

    private static StringBuilder series(final StringBuilder out, final String name, final String edge)
    {
        out.append(name);
        if (edge != null)
        {
            out.append('{').append(EDGE_LABEL).append("=\"").append(edge).append("\"}");
        }
        return out.append(' ');
    }
}
