package io.pitgun.sinks;

import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.TelemetryPipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A synthetic session the sink tests write into a journaled pipeline: frame {@code i} has sequence {@code i}, a
 * timestamp 10 ms after the one before, lap {@code 1 + i / FRAMES_PER_LAP} and values that are functions of
 * {@code i} (exact in a float, so any reader gets them back unchanged).
 */
final class SinkTestSession
{
    static final int FRAMES_PER_LAP = 500;
    static final long START_US = 1_775_000_000_000_000L;
    static final String MANIFEST = """
        version: v1
        name: sink-test
        dictionary: sim.v1
        pipeline:
          - type: formula
            derived_channels:
              - name: Speed_Half
                expr: "Speed / 2"
                unit: km/h
              - name: Map_Half
                expr: "Engine_Map / 2"
          - type: segment
            by: lap
            aggregates:
              - channel: Speed
                stats: [max, mean]
              - channel: Engine_Map
                stats: [max]
          - type: segment
            by: session
            aggregates:
              - channel: Speed
                stats: [max]
          - type: output
            contracts: [pitgun-envelope/v1, insight-contract/v1]
        """;

    static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    static final UUID PLAYER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");

    private SinkTestSession()
    {
    }

    static Path writeManifest(final Path dir) throws IOException
    {
        final Path file = dir.resolve("sink-test.yaml");
        Files.writeString(file, MANIFEST);
        return file;
    }

    static double speed(final long i)
    {
        return (i % 320) + 0.25;
    }

    static long rpm(final long i)
    {
        return 4000 + (i * 7) % 11000;
    }

    static int lap(final long i)
    {
        return 1 + (int)(i / FRAMES_PER_LAP);
    }

    /** Writes frames {@code [from, to)}; returns the ring sequence of the last. */
    static long write(final FrameWriter writer, final long from, final long to)
    {
        long sequence = -1;
        for (long i = from; i < to; i++)
        {
            sequence = writer.begin(i, START_US + i * 10_000).lapNumber(lap(i))
                .putDouble(TelemetryPipelineIds.SPEED, speed(i))
                .putLong(TelemetryPipelineIds.ENGINE_RPM, rpm(i))
                .putLong(TelemetryPipelineIds.ENGINE_MAP, 1 + i % 3)
                .commit();
        }
        return sequence;
    }

    /** The sim.v1 ids the session writes. */
    static final class TelemetryPipelineIds
    {
        static final int ENGINE_RPM = 1;
        static final int SPEED = 3;
        /** Restricted in sim.v1: it, Map_Half and their lap statistics must stay out of every database. */
        static final int ENGINE_MAP = 20;

        private TelemetryPipelineIds()
        {
        }
    }

    static FrameWriter writer(final TelemetryPipeline pipeline)
    {
        return pipeline.newFrameWriter(SESSION, PLAYER, 0);
    }
}
