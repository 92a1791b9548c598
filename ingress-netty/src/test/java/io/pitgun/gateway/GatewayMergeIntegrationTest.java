package io.pitgun.gateway;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.PipelineCounters;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #14 point 1 over HTTP: two sources each post one envelope of 4 frames 500 us apart (the box's 500 us
 * earlier, posted second); with a 2 ms merge window the frames that share a window merge into one frame whatever
 * the arrival order, and {@code /metrics} counts exactly those.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayMergeIntegrationTest
{
    private static final long T0 = 1_712_345_678_000_000L; // a multiple of the 2 ms window

    @TempDir
    Path dataDir;

    @Test
    void shouldMergeTwoBatchedEnvelopesOfTwoSources() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir.resolve("data"),
            Map.of(GatewaySetting.MANIFEST, writeManifest().toString())))
        {
            assertAccepted(gateway.beacon(envelope(0, T0 + 500, "\"Torque_Nm\":300.5")));
            assertAccepted(gateway.beacon(envelope(1, T0, "\"Engine_RPM\":9549")));
            assertAccepted(gateway.beacon(Envelopes.sessionEnd(UUID.randomUUID(), T0 + 10_000)));

            // [T0, T0 + 2 ms): 3 car + 4 box frames, one merged frame; [T0 + 2 ms, ...): the car's last frame alone
            Await.until("both windows emitted", () -> gateway.metric("pitgun_frames_processed_total") == 2);
            assertEquals(7, gateway.metric("pitgun_frames_merged_total"));
            assertEquals(0, gateway.metric("pitgun_frames_late_total"));
            assertEquals(2, gateway.metric("pitgun_derived_frames_total"));
        }
    }

    /**
     * MAX_SOURCES 2: session A's car and box post envelopes whose first window is emitted (A's merged stream starts)
     * and whose second is held; 70 s later sessions B and C post a frame each of source 7, not merged, and C's ends
     * A's stream as idle. Before, A's held window stayed in the merge stage and, emitted at shutdown into a table
     * holding B and C, was dropped (too many sources). Now it is emitted into A's stream as it ends. The journal
     * replays to the same.
     */
    @Test
    void shouldEmitTheHeldWindowOfAMergedStreamEndedIdle() throws Exception
    {
        final Path data = dataDir.resolve("data");
        final Path manifest = writeManifest();
        final GatewayHarness gateway = new GatewayHarness(data,
            Map.of(GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.MAX_SOURCES, "2"));
        final CompiledManifest compiled;
        try (gateway)
        {
            compiled = gateway.server.pipeline().manifest();
            final String a = UUID.randomUUID().toString();
            // [T0, T0 + 2 ms) emitted once both pass T0 + 2 ms; [T0 + 2 ms, T0 + 4 ms) held: the car is at T0 + 2 ms
            assertAccepted(gateway.beacon(envelope(a, 0, T0 + 500, "\"Torque_Nm\":300.5")));
            assertAccepted(gateway.beacon(envelope(a, 1, T0 + 1_000, "\"Engine_RPM\":9549")));
            assertAccepted(gateway.beacon(envelope(UUID.randomUUID().toString(), 7, T0 + 70_000_000L, "\"Speed\":1")));
            assertAccepted(gateway.beacon(envelope(UUID.randomUUID().toString(), 7, T0 + 70_000_000L, "\"Speed\":2")));
            Await.until("A's stream ended for C", () -> gateway.metric("pitgun_streams_ended_idle_total") == 1);
        }
        final long[] live = counts(gateway.server.pipeline().counters());
        assertEquals(0, live[1], "dropped (too many sources)");
        assertEquals(2 + 4 + 4, live[0], "A's two windows, then B's and C's four frames each");
        assertArrayEquals(live, replay(data, compiled), "the journal replays to the same");
    }

    /** Processed, dropped (too many sources), ended idle, merged. */
    private static long[] counts(final PipelineCounters counters)
    {
        return new long[] {counters.get(PipelineCounter.FRAMES_PROCESSED),
            counters.get(PipelineCounter.DROPPED_TOO_MANY_SOURCES), counters.get(PipelineCounter.STREAMS_ENDED_IDLE),
            counters.get(PipelineCounter.FRAMES_MERGED)};
    }

    /** The counts of a replay of the gateway's journal with its max_sources. */
    private static long[] replay(final Path data, final CompiledManifest manifest) throws Exception
    {
        try (Journal read = Journal.open(JournalConfig.readOnly(data.resolve("journal"))))
        {
            final TelemetryPipeline replay = TelemetryPipeline.builder().manifest(manifest)
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).maxSources(2).build()).build();
            JournalReplayer.replay(read, replay, null);
            replay.close();
            return counts(replay.counters());
        }
    }

    /** A merge of sources 0 and 1 in 2 ms windows, then a channel derived from both. */
    private Path writeManifest() throws Exception
    {
        final Path manifest = dataDir.resolve("merge.yaml");
        Files.writeString(manifest, String.join("\n",
            "version: v1",
            "name: gateway-merge",
            "pipeline:",
            "  - type: merge",
            "    sources: [0, 1]",
            "    window_us: 2000",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
            ""));
        return manifest;
    }

    private static void assertAccepted(final HttpResponse<String> response)
    {
        assertEquals(200, response.statusCode() / 100 * 100, response.body());
    }

    /** One telemetry envelope of source {@code source}: 4 frames, 500 us apart from {@code firstUs}. */
    private static String envelope(final int source, final long firstUs, final String samples)
    {
        return envelope(Envelopes.SESSION, source, firstUs, samples);
    }

    /** The same, of session {@code session}. */
    private static String envelope(final String session, final int source, final long firstUs, final String samples)
    {
        final StringBuilder out = new StringBuilder("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"")
            .append(UUID.randomUUID()).append("\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":\"")
            .append(Envelopes.PLAYER).append("\",\"session_id\":\"").append(session)
            .append("\",\"source_id\":").append(source)
            .append(",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[");
        for (int i = 0; i < 4; i++)
        {
            out.append(i == 0 ? "" : ",").append("{\"sequence\":").append(i + 1).append(",\"timestamp_us\":")
                .append(firstUs + 500L * i).append(",\"samples\":{").append(samples).append("}}");
        }
        return out.append("]}}").toString();
    }
}
