package io.pitgun.gateway;

import io.pitgun.engine.LatencyStage;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.PipelineCounters;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.f1.F1DropReason;
import io.pitgun.f1.F1UdpCounters;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.scaleout.ShipperCounters;
import io.pitgun.schemas.signing.SignatureRefusal;
import io.pitgun.schemas.signing.SignatureRefusalCounts;
import io.pitgun.sinks.SinkCounters;
import org.HdrHistogram.Histogram;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * Renders {@code GET /metrics}: the gateway's outcomes and refusals by reason, the ingestion-queue and ring
 * depth, the pipeline's counters, HdrHistogram latency quantiles per stage (as summaries, in seconds), and JVM
 * basics. Names follow Prometheus conventions (base units, {@code _total} counters) so that
 * {@code promtool check metrics} reports nothing. Cold path: built on request.
 */
final class GatewayMetrics
{
    private static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999, 1.0 };

    private final GatewayCounters counters;
    private final TelemetryPipeline pipeline;
    /** The edge shipper's counters when the gateway ships (SHIP_TO), else null: set once, before the bind. */
    private volatile ShipperCounters shipping;
    private volatile List<SinkCounters> sinks = List.of();
    /** The edge id the gateway ships as: written before {@link #shipping}, read after it. */
    private String shippingEdge;
    /** The TLS provider serving, or null without TLS: set once, before the bind. */
    private volatile TlsProvider tlsProvider;
    private volatile DirectMemoryFit directMemoryFit;
    /** The F1 UDP source's counters (UDP_BIND), or null: set once, before the bind. */
    private volatile F1UdpCounters udp;

    GatewayMetrics(final GatewayCounters counters, final TelemetryPipeline pipeline)
    {
        this.counters = counters;
        this.pipeline = pipeline;
    }

    /** Adds the F1 UDP source's series (UDP_BIND). */
    void udp(final F1UdpCounters counters)
    {
        udp = counters;
    }

    /** The bounds on direct memory the gateway uses (set once at start). */
    void directMemoryFit(final DirectMemoryFit fit)
    {
        directMemoryFit = fit;
    }

    /** Adds the TLS series: the gateway serves TLS (TLS_CERT) with {@code provider}. */
    void tlsOn(final TlsProvider provider)
    {
        tlsProvider = provider;
    }

    private void udp(final PrometheusTextWriter w)
    {
        final F1UdpCounters f1 = udp;
        if (f1 == null)
        {
            return;
        }
        w.family("pitgun_f1_udp_packets_total", "counter", "F1 UDP datagrams: received, decoded into frames, " +
            "ignored (well-formed, of a packet id the source does not decode).");
        w.sample("pitgun_f1_udp_packets_total", f1.get(F1UdpCounters.Total.PACKETS_RECEIVED), "outcome", "received");
        w.sample("pitgun_f1_udp_packets_total", f1.get(F1UdpCounters.Total.PACKETS_DECODED), "outcome", "decoded");
        w.sample("pitgun_f1_udp_packets_total", f1.get(F1UdpCounters.Total.PACKETS_IGNORED), "outcome", "ignored");
        w.family("pitgun_f1_udp_drops_total", "counter",
            "F1 UDP packets dropped (ring_full, frame_refused: frames), by reason.");
        for (final F1DropReason reason : F1DropReason.values())
        {
            w.sample("pitgun_f1_udp_drops_total", f1.drops(reason), "reason", reason.label());
        }
        w.family("pitgun_f1_udp_frames_published_total", "counter", "Frames the F1 UDP source published.");
        w.sample("pitgun_f1_udp_frames_published_total", f1.get(F1UdpCounters.Total.FRAMES_PUBLISHED));
        w.family("pitgun_f1_udp_samples_out_of_range_total", "counter",
            "F1 UDP values left out of their frame: outside the dictionary range, or NaN.");
        w.sample("pitgun_f1_udp_samples_out_of_range_total", f1.get(F1UdpCounters.Total.SAMPLES_OUT_OF_RANGE));
    }

    String render()
    {
        final PrometheusTextWriter w = new PrometheusTextWriter();
        responses(w);
        udp(w);
        w.family("pitgun_gateway_rejections_total", "counter",
            "Refused envelopes, binary messages or requests, by reason.");
        for (final RejectReason reason : RejectReason.values())
        {
            w.sample("pitgun_gateway_rejections_total", counters.rejections(reason), "reason", reason.label());
        }
        w.family("pitgun_signature_refusals_total", "counter", "Manifest and policy signatures this process refused " +
            "(under TRUST), by reason.");
        for (final SignatureRefusal refusal : SignatureRefusal.values())
        {
            w.sample("pitgun_signature_refusals_total", SignatureRefusalCounts.count(refusal), "reason",
                refusal.label());
        }
        // The outcomes read before what was received: a request counts what it received before its outcomes, so a
        // scrape in between shows received >= the sum of outcomes, never less.
        final long accepted = counters.envelopesAccepted.sum();
        final long duplicate = counters.envelopesDuplicate.sum();
        final long partial = counters.envelopesPartial.sum();
        final long refused = counters.envelopesRefused.sum();
        final long notAccepted = counters.envelopesNotAccepted.sum();
        w.family("pitgun_gateway_envelopes_received_total", "counter", "Envelopes the ingest path read (a binary " +
            "message, or a body or text message refused whole before its envelopes could be told apart, counts as " +
            "one); each is counted once by outcome in pitgun_gateway_envelopes_total.");
        w.sample("pitgun_gateway_envelopes_received_total", counters.envelopesReceived.sum());
        w.family("pitgun_gateway_envelopes_total", "counter", "Envelopes by outcome (binary messages count as one): " +
            "accepted (all frames in the ring), duplicate (acknowledged again), partial (some frames in), refused " +
            "(for itself), not_accepted (nothing in, refused with its request); they add up to " +
            "pitgun_gateway_envelopes_received_total.");
        w.sample("pitgun_gateway_envelopes_total", accepted, "outcome", EnvelopeOutcome.ACCEPTED.label());
        w.sample("pitgun_gateway_envelopes_total", duplicate, "outcome", EnvelopeOutcome.DUPLICATE.label());
        w.sample("pitgun_gateway_envelopes_total", partial, "outcome", EnvelopeOutcome.PARTIAL.label());
        w.sample("pitgun_gateway_envelopes_total", refused, "outcome", EnvelopeOutcome.REFUSED.label());
        w.sample("pitgun_gateway_envelopes_total", notAccepted, "outcome", EnvelopeOutcome.NOT_ACCEPTED.label());
        counter(w, "pitgun_gateway_idempotency_restored_total", "Event ids the idempotency window restored from " +
            "the journal at start.", counters.idempotencyRestored);
        counter(w, "pitgun_gateway_idempotency_unidentified_messages_total", "Messages the idempotency window read " +
            "from the journal at start that carry no event id (record format 0, journaled by a build from before " +
            "event ids were stored): retries of their envelopes are ingested again.", counters.idempotencyUnidentified);
        counter(w, "pitgun_gateway_idempotency_journal_gaps_total", "Gaps the idempotency window's restore read " +
            "across at start: entries missing between two cycle files (a file deleted from the middle of the " +
            "journal); retries of their envelopes are ingested again.", counters.idempotencyJournalGaps);
        counter(w, "pitgun_gateway_frames_published_total", "Frames the gateway published into the ring.",
            counters.framesAccepted);
        gauge(w, "pitgun_gateway_ingest_queue_envelopes", "Envelopes admitted and not yet answered.",
            counters.inFlightEnvelopes.get());
        final long published = pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED);
        final long journaled = pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED);
        gauge(w, "pitgun_gateway_ring_depth_frames", "Frames in the ring not yet journaled.",
            Math.max(0, published - journaled));
        gauge(w, "pitgun_gateway_ring_capacity_frames", "Slots in the pipeline ring.",
            pipeline.config().channelCapacity());
        gauge(w, "pitgun_gateway_ring_free_slots", "Slots producers may claim now (the ring's remaining capacity).",
            pipeline.remainingCapacity());
        gauge(w, "pitgun_gateway_open_connections", "Open client connections.", counters.openConnections.get());
        counter(w, "pitgun_gateway_connections_paused_total",
            "Times reading from a connection paused because its unsent answers passed the high-water mark.",
            counters.connectionsPaused);
        gauge(w, "pitgun_gateway_paused_connections", "Connections whose reading is paused now (back-pressure).",
            counters.pausedConnections.get());
        gauge(w, "pitgun_gateway_outbound_bytes", "Unsent answer bytes of all connections (summed every 100 ms).",
            counters.outboundBytes.get());
        gauge(w, "pitgun_gateway_outbound_total_limit_bytes",
            "OUTBOUND_TOTAL_LIMIT_BYTES as used: lowered at start when it did not fit the JVM's direct memory.",
            directMemoryFit == null ? 0 : directMemoryFit.outboundTotalLimitBytes());
        gauge(w, "pitgun_gateway_outbound_limit_bytes",
            "OUTBOUND_LIMIT_BYTES as used: inside the total as used (lowered with it at start).",
            directMemoryFit == null ? 0 : directMemoryFit.connection().limitBytes());
        gauge(w, "pitgun_gateway_partial_message_bytes",
            "Bytes of unfinished requests and WebSocket messages held, all connections.",
            counters.partialMessageBytes.get());
        gauge(w, "pitgun_gateway_partial_message_budget_bytes",
            "PARTIAL_MESSAGE_BUDGET_BYTES as used: lowered at start when it did not fit the JVM's direct memory.",
            directMemoryFit == null ? 0 : directMemoryFit.partialMessageBudgetBytes());
        gauge(w, "pitgun_gateway_open_subscribers", "Open live subscribers.", counters.openSubscribers.get());
        counter(w, "pitgun_gateway_websocket_connections_total", "WebSocket ingest connections opened.",
            counters.wsConnectionsOpened);
        counter(w, "pitgun_gateway_subscribers_total", "Live subscribers opened.", counters.subscribersOpened);
        counter(w, "pitgun_gateway_subscribers_disconnected_slow_total",
            "Live subscribers disconnected for falling behind.", counters.subscribersDisconnectedSlow);
        counter(w, "pitgun_gateway_subscribers_cut_at_shutdown_total", "Live subscribers the shutdown closed at " +
            "once, past SHUTDOWN_TIMEOUT_S, before everything owed to them and their close 1001 were written.",
            counters.subscribersCutAtShutdown);
        counter(w, "pitgun_gateway_lingering_closes_total", "Connections the gateway closed lingering: its side shut " +
            "behind its last answer or close frame, reading on and dropping what came until the client closed.",
            counters.lingeringCloses);
        w.family("pitgun_gateway_lingering_closes_cut_total", "counter", "Lingering closes ended by the gateway " +
            "before the client closed its side, by bound: timeout (" + LingeringClose.LINGER_MS + " ms), bytes (over " +
            LingeringClose.LINGER_BYTES + " read meanwhile).");
        w.sample("pitgun_gateway_lingering_closes_cut_total", counters.lingeringClosesTimedOut.sum(), "bound",
            "timeout");
        w.sample("pitgun_gateway_lingering_closes_cut_total", counters.lingeringClosesOverBytes.sum(), "bound",
            "bytes");
        counter(w, "pitgun_gateway_lingering_discarded_bytes_total", "Bytes lingering closes read and discarded " +
            "unread: what came behind an HTTP answer that closes once it was sent, and what passed the byte bound.",
            counters.lingeringDiscardedBytes);
        counter(w, "pitgun_gateway_subscriber_messages_total", "Messages sent to live subscribers.",
            counters.subscriberMessages);
        counter(w, "pitgun_gateway_subscriber_outputs_encoded_total",
            "Pipeline outputs encoded to JSON for live subscribers (once per event loop, shared by its subscribers).",
            counters.subscriberOutputsEncoded);
        counter(w, "pitgun_gateway_subscriber_frames_withheld_total",
            "Frames not sent to live subscribers that may read none of their channels (once per event loop and " +
            "audience).", counters.subscriberFramesWithheld);
        w.family("pitgun_gateway_run_registry_records_total", "counter", "Run-registry records by outcome.");
        w.sample("pitgun_gateway_run_registry_records_total", counters.registryPosted.sum(), "outcome", "posted");
        w.sample("pitgun_gateway_run_registry_records_total", counters.registryFailed.sum(), "outcome", "failed");
        w.sample("pitgun_gateway_run_registry_records_total", counters.registryDropped.sum(), "outcome", "dropped");
        counter(w, "pitgun_gateway_run_registry_gaps_total",
            "Times the run-registry mirror fell behind the pipeline, lost insights and subscribed again.",
            counters.registryGaps);
        counter(w, "pitgun_gateway_run_registry_errors_total",
            "Failures of the run-registry mirror's insight poller (logged; it carried on).", counters.registryErrors);
        counter(w, "pitgun_gateway_tuning_flagged_samples_total", "Samples accepted outside a flag limit of the " +
            "tuning policy, their quality set DEGRADED.", counters.tuningFlaggedSamples);
        counter(w, "pitgun_gateway_session_source_evictions_total", "Sessions whose sources the " +
            "max_sources_per_session limit forgot to keep its state bounded.", counters.sessionSourceEvictions);
        counter(w, "pitgun_gateway_token_reloads_total",
            "Times the token file changed and was read again.", counters.tokenReloads);
        counter(w, "pitgun_gateway_token_reload_failures_total",
            "Times the token file changed but could not be read or was gone (logged); a read that keeps failing " +
            "is counted once.", counters.tokenReloadFailures);
        gauge(w, "pitgun_gateway_token_file_unreadable", "1 while the token file is there but cannot be read (no " +
            "token is valid; it is read again every poll).", counters.tokenFileUnreadable.sum());
        w.family("pitgun_gateway_audit_lines_dropped_total", "counter", "Audit lines the audit-log file could not " +
            "take, by reason: queue_full (lines came faster than the disk took them), write_failed (a full disk), " +
            "size_cap (past its size cap while it cannot be rotated).");
        for (final AuditDrop reason : AuditDrop.values())
        {
            w.sample("pitgun_gateway_audit_lines_dropped_total", counters.auditDrops(reason), "reason", reason.label);
        }
        counter(w, "pitgun_gateway_audit_lines_suppressed_total", "Audit lines of requests their client did not " +
            "pay for in the ingest rate limit left out over their budget (200 a second without a token, 200 per " +
            "token id); the next line written counts them.", counters.auditSuppressed);
        gauge(w, "pitgun_gateway_run_registry_queue_records", "Run-registry records waiting to be posted.",
            counters.registryQueueDepth.get());
        w.family("pitgun_gateway_ws_closes_total", "counter", "WebSocket connections ended, by why.");
        for (final WebSocketCloseReason reason : WebSocketCloseReason.values())
        {
            w.sample("pitgun_gateway_ws_closes_total", counters.webSocketCloses(reason), "reason", reason.label);
        }
        counter(w, "pitgun_gateway_ack_callback_failures_total",
            "Journal-ack callbacks that threw (logged; the answers after them were still completed).",
            counters.ackCallbackFailures);
        counter(w, "pitgun_gateway_ack_room_waits_total",
            "Times journaled answers were held for room in the ring (JOURNAL_ON_LOOP: the stages were more than " +
            "half a ring behind the event loop), each a look again 50 microseconds later.", counters.ackRoomWaits);
        counter(w, "pitgun_gateway_connection_errors_total",
            "HTTP connections closed because an exception reached the handler: an I/O error such as a reset by the " +
            "peer, or a bug (logged as a warning).", counters.connectionErrors);
        tls(w);
        journal(w);
        shipping(w);
        databaseSinks(w);
        counter(w, "pitgun_gateway_overload_warnings_suppressed_total",
            "Overload warnings not logged because of the log rate bound.", counters.overloadWarningsSuppressed);
        pipelineCounters(w);
        latency(w);
        jvm(w);
        JvmMemoryGauges.write(w);
        return w.toString();
    }

    /** Exports the shipper's counters, and the edge id it ships as, from now on. */
    void shipping(final UUID edgeId, final ShipperCounters counters)
    {
        shippingEdge = edgeId.toString();
        shipping = counters; // the volatile write publishes shippingEdge with it
    }

    void databaseSinks(final List<SinkCounters> counters)
    {
        sinks = List.copyOf(counters);
    }

    /** The database sinks' counters ({@code sink} label); written only when a sink is configured. */
    private void databaseSinks(final PrometheusTextWriter w)
    {
        final List<SinkCounters> sinks = this.sinks;
        if (sinks.isEmpty())
        {
            return;
        }
        final long nowNs = System.nanoTime();
        w.family("pitgun_sink_rows_written_total", "counter", "Rows (frames, insights) the database accepted; a " +
            "re-run after a restart writes some again, which the database deduplicates.");
        sinks.forEach(c -> w.sample("pitgun_sink_rows_written_total", c.rowsWritten(), "sink", c.sink()));
        w.family("pitgun_sink_rows_skipped_total", "counter", "Outputs not written again because the database " +
            "already held them (resume point).");
        sinks.forEach(c -> w.sample("pitgun_sink_rows_skipped_total", c.rowsSkipped(), "sink", c.sink()));
        w.family("pitgun_sink_batches_written_total", "counter", "Batches (ILP flushes, transactions) accepted.");
        sinks.forEach(c -> w.sample("pitgun_sink_batches_written_total", c.batchesWritten(), "sink", c.sink()));
        w.family("pitgun_sink_failures_total", "counter", "Connections refused or lost and writes that failed; " +
            "each is followed by a reconnect with back-off and a re-run of the journal.");
        sinks.forEach(c -> w.sample("pitgun_sink_failures_total", c.failures(), "sink", c.sink()));
        w.family("pitgun_sink_dropped_total", "counter", "Outputs the sink could not represent and left out " +
            "(logged).");
        sinks.forEach(c -> w.sample("pitgun_sink_dropped_total", c.dropped(), "sink", c.sink()));
        w.family("pitgun_sink_journal_gaps_total", "counter", "Gaps between cycle files the sink read across (a " +
            "cycle file deleted from the middle of the journal) since this process started: what the missing " +
            "entries held is not in the sink's output, unless it wrote them before the file went (logged at WARN, " +
            "naming the file and indexes).");
        sinks.forEach(c -> w.sample("pitgun_sink_journal_gaps_total", c.journalGaps(), "sink", c.sink()));
        w.family("pitgun_sink_lag_seconds", "gauge", "Seconds since the sink last had written everything the " +
            "journal held (0: caught up); it grows while the sink is disconnected.");
        sinks.forEach(c -> w.sample("pitgun_sink_lag_seconds", c.lagSeconds(nowNs), "sink", c.sink()));
        w.family("pitgun_sink_connected", "gauge", "1 while the sink is connected and writing, 0 while it waits " +
            "to reconnect.");
        sinks.forEach(c -> w.sample("pitgun_sink_connected", c.state(), "sink", c.sink()));
        w.family("pitgun_sink_retry_delay_seconds", "gauge", "The wait before the sink's next reconnect: from 0.1 s, " +
            "doubling to 5 s while connections keep failing without writing for long (a lasting fault), back to " +
            "0.1 s after one that did.");
        sinks.forEach(c -> w.sample("pitgun_sink_retry_delay_seconds", c.retryDelayMs() / 1000.0, "sink", c.sink()));
    }

    /** Seed 002's shipping counters, {@code pitgun_} prefixed; written only when the gateway ships. */
    private void shipping(final PrometheusTextWriter w)
    {
        final ShipperCounters c = shipping;
        if (c == null)
        {
            return;
        }
        // The edge id as a label, so a hive's per-edge series ({edge="..."}) can be joined to this gateway's lag.
        w.family("pitgun_ship_edge_info", "gauge", "The edge id this gateway ships as (label edge); always 1.")
            .sample("pitgun_ship_edge_info", 1, "edge", shippingEdge);
        w.family("pitgun_events_shipped_total", "counter", "Frames sent to the hive (resends included).")
            .sample("pitgun_events_shipped_total", c.framesShipped());
        w.family("pitgun_events_dropped_total", "counter", "Frames lost to back-pressure: 0 while the journal " +
            "has disk (the shipper waits instead).").sample("pitgun_events_dropped_total", c.framesDropped());
        w.family("pitgun_batches_shipped_total", "counter", "Batches sent to the hive.")
            .sample("pitgun_batches_shipped_total", c.batchesShipped());
        w.family("pitgun_bytes_shipped_total", "counter", "Bytes of batches sent to the hive.")
            .sample("pitgun_bytes_shipped_total", c.bytesShipped());
        w.family("pitgun_ship_rewinds_total", "counter", "Times shipping resumed from what the hive acknowledged.")
            .sample("pitgun_ship_rewinds_total", c.rewinds());
        w.family("pitgun_ship_client_reconnects_total", "counter", "Times Aeron closed the shipper's client (the " +
            "process stood still past its driver's timeout) and the shipper connected a new one.")
            .sample("pitgun_ship_client_reconnects_total", c.clientReconnects());
        w.family("pitgun_ship_journal_gaps_total", "counter", "Times the hive's acknowledged position was in cycle " +
            "files deleted from the journal: any frame after it in them never reached the hive.")
            .sample("pitgun_ship_journal_gaps_total", c.journalGaps());
        w.family("pitgun_ship_journal_cycle_gaps_total", "counter", "Gaps between cycle files the shipper read " +
            "across in its journal (a cycle file deleted from the middle of it): the frames they held never reach " +
            "the hive (logged at WARN, naming the file and positions).")
            .sample("pitgun_ship_journal_cycle_gaps_total", c.journalCycleGaps());
        w.family("pitgun_ship_acks_refused_total", "counter", "Acknowledgements a signed edge refused, by reason " +
            "(missing_mac, bad_mac): not signed with its secret.");
        for (final io.pitgun.scaleout.ShipperCounters.AckRefusal reason :
            io.pitgun.scaleout.ShipperCounters.AckRefusal.values())
        {
            w.sample("pitgun_ship_acks_refused_total", c.acksRefused(reason), "reason", reason.label());
        }
        gauge(w, "pitgun_ship_lag_frames", "Frames shipped and not yet acknowledged by the hive.", c.lagFrames());
        gauge(w, "pitgun_ship_lag_seconds", "Seconds since the shipper last had nothing unshipped or " +
            "unacknowledged (0: caught up).", c.lagSeconds(System.nanoTime()));
        gauge(w, "pitgun_ship_connection_state", "0 not connected, 1 waiting for the hive's word, 2 shipping.",
            c.connectionState());
        gauge(w, "pitgun_ship_stalled", "0 shipping goes on; 1 a frame larger than a batch stopped it; 2 the hive " +
            "holds positions of this edge id that this journal does not (journal reset under the same id); 3 the hive " +
            "refuses this edge while another live edge ships under the same id.", c.stalled());
        gauge(w, "pitgun_ship_unacknowledged_journal_entries", "Journal documents (Chronicle excerpts: a batch of " +
            "one or more messages each, as the journal stage appended them) after the one holding the last frame the " +
            "hive acknowledged: held only by this journal, which deletes nothing (counted once a second; not the " +
            "message count pitgun journal stats prints).",
            c.unacknowledgedEntries());
    }

    private void journal(final PrometheusTextWriter w)
    {
        if (pipeline.journal().isEmpty())
        {
            return;
        }
        final JournalSpaceGuard guard = pipeline.journal().get().spaceGuard();
        gauge(w, "pitgun_journal_usable_bytes", "Usable bytes on the journal's file system (last measurement, " +
            "less what was appended since; -1 if it could not be measured).", guard.usableBytes());
        gauge(w, "pitgun_journal_min_free_bytes", "Free-space headroom below which ingestion is refused.",
            guard.minFreeBytes());
        gauge(w, "pitgun_journal_full", "1 while the journal's file system is below its headroom or the journal " +
            "stage waits for space.", guard.isShort() || pipeline.isJournalWaitingForSpace() ? 1 : 0);
        gauge(w, "pitgun_journal_failed", "1 once the journal stage stopped for good.",
            pipeline.journalFailure().isPresent() ? 1 : 0);
    }

    private void responses(final PrometheusTextWriter w)
    {
        w.family("pitgun_gateway_responses_total", "counter", "Answers by endpoint and HTTP status, counted as " +
            "written to their connection, not as read: also those unread when it was closed as slow_consumer.");
        final LongAdder[][] table = counters.responseTable();
        boolean any = false;
        for (final GatewayCounters.Endpoint endpoint : GatewayCounters.Endpoint.values())
        {
            final LongAdder[] byStatus = table[endpoint.ordinal()];
            for (int status = 0; status < byStatus.length; status++)
            {
                final long value = byStatus[status].sum();
                if (value > 0)
                {
                    any = true;
                    w.sample("pitgun_gateway_responses_total", value, "endpoint", endpoint.label, "status",
                        Integer.toString(status));
                }
            }
        }
        if (!any)
        {
            w.sample("pitgun_gateway_responses_total", 0, "endpoint", "beacon", "status", "202");
        }
    }

    private void pipelineCounters(final PrometheusTextWriter w)
    {
        final PipelineCounters values = pipeline.counters();
        for (final PipelineCounter counter : PipelineCounter.values())
        {
            final String name = counter.metricName();
            w.family(name, name.endsWith("_total") ? "counter" : "gauge", "Pipeline: " + counter.label() + ".");
            w.sample(name, values.get(counter));
        }
    }

    private void latency(final PrometheusTextWriter w)
    {
        final String name = "pitgun_pipeline_stage_latency_seconds";
        w.family(name, "summary", "Latency from publish into the ring to the end of a stage (HdrHistogram, since start).");
        for (final LatencyStage stage : LatencyStage.values())
        {
            final Histogram histogram = pipeline.latency().snapshot(stage);
            final String label = stage.name().toLowerCase(Locale.ROOT);
            for (final double q : QUANTILES)
            {
                final double seconds = histogram.getTotalCount() == 0 ? Double.NaN :
                    histogram.getValueAtPercentile(q * 100) / 1e9;
                w.sample(name, seconds, "stage", label, "quantile", Double.toString(q));
            }
            w.sample(name + "_sum", histogram.getMean() * histogram.getTotalCount() / 1e9, "stage", label);
            w.sample(name + "_count", histogram.getTotalCount(), "stage", label);
        }
    }

    private static void jvm(final PrometheusTextWriter w)
    {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        w.family("jvm_memory_used_bytes", "gauge", "JVM memory in use.");
        w.sample("jvm_memory_used_bytes", heap.getUsed(), "area", "heap");
        w.sample("jvm_memory_used_bytes", nonHeap.getUsed(), "area", "nonheap");
        w.family("jvm_memory_committed_bytes", "gauge", "JVM memory committed.");
        w.sample("jvm_memory_committed_bytes", heap.getCommitted(), "area", "heap");
        w.sample("jvm_memory_committed_bytes", nonHeap.getCommitted(), "area", "nonheap");
        w.family("jvm_memory_max_bytes", "gauge", "JVM memory limit (-1 when undefined).");
        w.sample("jvm_memory_max_bytes", heap.getMax(), "area", "heap");
        w.sample("jvm_memory_max_bytes", nonHeap.getMax(), "area", "nonheap");
        w.family("jvm_threads_current", "gauge", "Live JVM threads.");
        w.sample("jvm_threads_current", ManagementFactory.getThreadMXBean().getThreadCount());
        w.family("jvm_gc_collections_total", "counter", "Garbage collections by collector.");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            w.sample("jvm_gc_collections_total", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
        }
        w.family("jvm_gc_collection_seconds_total", "counter", "Time spent in garbage collection by collector.");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            w.sample("jvm_gc_collection_seconds_total", Math.max(0, gc.getCollectionTime()) / 1e3, "gc", gc.getName());
        }
        w.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.");
        w.sample("process_start_time_seconds", ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3);
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            w.family("process_cpu_seconds_total", "counter", "CPU time used by the process.");
            w.sample("process_cpu_seconds_total", ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime() / 1e9);
        }
    }

    /** TLS handshakes and reloads; written only when TLS is on (TLS_CERT). */
    private void tls(final PrometheusTextWriter w)
    {
        final TlsProvider provider = tlsProvider;
        if (provider == null)
        {
            return;
        }
        w.family("pitgun_gateway_tls_provider_info", "gauge", "The TLS implementation serving (TLS_PROVIDER, or jdk " +
            "after a fallback).").sample("pitgun_gateway_tls_provider_info", 1, "provider", provider.text());
        counter(w, "pitgun_gateway_tls_handshake_failures_total", "TLS handshakes that failed (plain-text clients " +
            "on the TLS port, clients that refused the certificate, no common protocol or cipher).",
            counters.tlsHandshakeFailures);
        counter(w, "pitgun_gateway_tls_reloads_total", "Times the certificate and key were loaded again after a " +
            "change.", counters.tlsReloads);
        counter(w, "pitgun_gateway_tls_reload_failures_total", "Times the certificate or key changed but did not " +
            "load; the one before stayed in use.", counters.tlsReloadFailures);
        gauge(w, "pitgun_gateway_tls_certificate_expiry_timestamp_seconds", "End of the served certificate's " +
            "validity (notAfter), seconds since the epoch.", counters.tlsCertificateExpirySeconds.sum());
        gauge(w, "pitgun_gateway_tls_openssl_fallback", "1 when TLS_PROVIDER asked for openssl but it did not load " +
            "on this machine, so the JDK's provider serves TLS (the log says why); else 0.",
            counters.tlsOpenSslFallback.sum());
    }

    private static void counter(final PrometheusTextWriter w, final String name, final String help,
        final SharedCounter value)
    {
        w.family(name, "counter", help).sample(name, value.sum());
    }

    private static void gauge(final PrometheusTextWriter w, final String name, final String help, final double value)
    {
        w.family(name, "gauge", help).sample(name, value);
    }
}
