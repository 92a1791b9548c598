package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.ManifestException;
import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The example quoted in {@code docs/embedding.md}: a producer embeds a pipeline, publishes frames with no network
 * and no allocation per frame, waits for the durable acknowledgement of the last one, and reads derived frames and
 * insights from a subscription. {@code EmbeddingExampleTest} runs it.
 */
public final class EmbeddingExample
{
    /** What the example saw, for the test. */
    public record Result(long derivedFrames, long insights, boolean journaled, String outputSha256)
    {
    }

    // --8<-- [start:example]
    public static Result run(final Path manifestFile, final Path journalDir) throws ManifestException
    {
        final ParameterRegistry dictionary = ParameterRegistry.simV1();
        final int speed = dictionary.byName("Speed").id();
        final int rpm = dictionary.byName("Engine_RPM").id();
        final int torque = dictionary.byName("Torque_Nm").id();

        final PipelineConfig config = PipelineConfig.builder()
            .journalDirectory(journalDir)          // every accepted frame is journaled here
            .ackMode(AckMode.JOURNALED)
            .outputDigest(true)                    // SHA-256 of the derived output, to compare with a replay
            .build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .dictionary(dictionary)
            .manifest(manifestFile)                // loaded and compiled to bytecode here
            .config(config)
            .build();                              // starts its consumer thread (journal, then process)

        final Subscription subscription = pipeline.subscribe("example");
        final long[] seen = new long[2];
        final SubscriptionHandler handler = new SubscriptionHandler()
        {
            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                seen[0]++;                         // an SBE TelemetryFrame: inputs kept plus derived channels
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
                seen[1]++;                         // an insight-contract/v1 JSON document
            }
        };

        boolean journaled;
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(UUID.randomUUID(), UUID.randomUUID(), 0);
            writer.sessionStart(1_767_225_600_000_000L, "practice");
            long last = -1;
            for (int i = 0; i < 10_000; i++)
            {
                final long timestampUs = 1_767_225_600_000_000L + i * 1_000L;   // time comes from the producer
                last = writer.begin(i, timestampUs)
                    .lapNumber(1 + i / 5_000)
                    .putDouble(speed, 180.0 + i % 50)
                    .putLong(rpm, 9_000 + i % 3_000)
                    .putDouble(torque, 420.0)
                    .commit();                     // publishes the slot; returns its ring sequence
                subscription.poll(handler, 64);    // a real subscriber polls on its own thread
            }
            last = writer.sessionEnd(1_767_225_610_000_000L, "practice");
            journaled = pipeline.awaitJournaled(last, TimeUnit.SECONDS.toNanos(10));
        }
        finally
        {
            pipeline.close();                      // drains, flushes the journal, stops its threads
        }
        while (subscription.poll(handler, 1_000) > 0)
        {
            Thread.onSpinWait();
        }
        return new Result(seen[0], seen[1], journaled, pipeline.outputDigest().orElseThrow());
    }
    // --8<-- [end:example]
}
