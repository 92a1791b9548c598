package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@link FrameWriter} writes only frames of the frame contract (docs/contracts.md, "What a valid message is"):
 * sequence and timestamp_us in [0, 2^53 - 1], 1 to 256 samples, each parameter id once, the dictionary's value type,
 * and a range checked on the value as stored (an f32 narrowed to float, as the envelope decoder does). Each breach is
 * refused where it is made, counted, and claims or publishes nothing that the stages or the journal would take; every
 * frame it does publish passes the gateway's own check ({@link FrameValidator} at {@code DICTIONARY}).
 */
class FrameWriterContractTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** sim.v1's DRS_Open, a bool channel. */
    private static final int DRS_OPEN = 10;

    @TempDir
    Path dir;

    private TelemetryPipeline start(final PipelineConfig.Builder config) throws ManifestException
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(config.journalDirectory(dir).build()).build();
    }

    /** A writer without a session or producer id is refused by name (before, a bare NullPointerException). */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNameTheMissingIdOfAWriter() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            assertEquals("sessionId", assertThrows(NullPointerException.class,
                () -> pipeline.newFrameWriter(null, PRODUCER, 0)).getMessage());
            assertEquals("producerId", assertThrows(NullPointerException.class,
                () -> pipeline.newFrameWriter(SESSION, null, 0)).getMessage());
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseTheSameParameterIdTwiceInOneFrame() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 1.0);
            refused(() -> writer.putDouble(SyntheticRun.SPEED, 2.0), "appears twice");
            writer.begin(2, 2_000).putLong(SyntheticRun.ENGINE_RPM, 9_000).putDouble(SyntheticRun.SPEED, 1.0);
            refused(() -> writer.putLong(SyntheticRun.ENGINE_RPM, 9_001), "appears twice");

            // The ids of a committed or refused frame are free again in the next frame.
            final long first = writer.begin(3, 3_000).putDouble(SyntheticRun.SPEED, 1.0)
                .putLong(SyntheticRun.ENGINE_RPM, 9_000).commit();
            final long second = writer.begin(4, 4_000).putLong(SyntheticRun.ENGINE_RPM, 9_000)
                .putDouble(SyntheticRun.SPEED, 2.0).commit();
            assertEquals(first + 1, second);
            assertPassesTheGatewaysCheck(pipeline, second);
            assertTrue(pipeline.awaitJournaled(second, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
        assertEquals(2, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), "the refused frames never ran");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseTheSameParameterIdTwiceAlsoWithoutParameterValidation() throws ManifestException
    {
        // validate_parameters: false trusts the values, not the shape of the frame (ids in no dictionary too).
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().validateParameters(false));
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            writer.begin(1, 1_000).putDouble(40_000, 1.0);
            refused(() -> writer.putLong(40_000, 2), "appears twice");
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAFrameWithoutSamplesAtCommit() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            writer.begin(1, 1_000).lapNumber(1);
            refused(writer::commit, "no samples");
            assertThrows(IllegalStateException.class, writer::commit, "the refused frame was dropped");
            final long next = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(pipeline.awaitJournaled(next, TIMEOUT_NS), "the refused frame's slot holds up nothing");
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_ACCEPTED), "the empty frame was not accepted");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseASequenceOrTimestampOutsideTheContractAtBegin() throws ManifestException
    {
        final long max = EnvelopeDecoder.MAX_SAFE_INTEGER;
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            refused(() -> writer.begin(-5, 1_000), "sequence");
            refused(() -> writer.begin(max + 1, 1_000), "sequence");
            refused(() -> writer.begin(1, -1), "timestamp_us");
            refused(() -> writer.begin(1, Long.MAX_VALUE), "timestamp_us");
            refused(() -> writer.tryBegin(Long.MIN_VALUE, 1_000), "sequence");
            refused(() -> writer.tryBegin(1, max + 1), "timestamp_us");
            refused(() -> writer.sessionStart(-1, "practice"), "timestamp_us");
            refused(() -> writer.sessionEnd(max + 1, "practice"), "timestamp_us");
            assertThrows(IllegalStateException.class, writer::commit, "no frame was begun");

            final long first = writer.begin(max, max).putDouble(SyntheticRun.SPEED, 100).commit();
            assertEquals(0, first, "the refusals claimed no ring sequence");
            assertPassesTheGatewaysCheck(pipeline, first);
            final long second = writer.begin(0, 0).putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(pipeline.awaitJournaled(second, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(8, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
        assertEquals(2, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCountNoDropForAPutWithoutAnOpenFrame() throws ManifestException
    {
        // Before: a put of an unknown id, a value out of range or a boolean into a number channel without an open
        // frame was refused as a dropped frame and counted (DROPPED_INVALID_PARAMETER), though no frame was begun or
        // one already refused was counted again: a producer that went on putting after a refusal counted each put.
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            assertNoOpenFrame(() -> writer.putDouble(40_000, 1.0));
            assertNoOpenFrame(() -> writer.putDouble(SyntheticRun.SPEED, 1e9));
            assertNoOpenFrame(() -> writer.putLong(SyntheticRun.ENGINE_RPM, -1));
            assertNoOpenFrame(() -> writer.putBoolean(SyntheticRun.SPEED, true));
            writer.begin(1, 1_000);
            refused(() -> writer.putDouble(SyntheticRun.SPEED, Double.NaN), "Speed");
            assertNoOpenFrame(() -> writer.putDouble(SyntheticRun.SPEED, Double.POSITIVE_INFINITY));
            assertNoOpenFrame(() -> writer.putLong(40_000, 1));
            final long next = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(pipeline.awaitJournaled(next, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER), "the one refused frame");
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    private static void assertNoOpenFrame(final Executable put)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, put);
        assertTrue(ex.getMessage().contains("no open frame"), ex.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseASessionLabelLongerThanTheContractsBeforeClaiming() throws ManifestException
    {
        // 128 characters (code points), as over JSON and binary WebSocket: the schema's 1,024 bytes allowed 1,000.
        final String longest = "\uD83C\uDFCE".repeat(EnvelopeDecoder.MAX_LABEL_CODE_POINTS); // 128 code points
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            refused(() -> writer.sessionStart(1_000, "a".repeat(EnvelopeDecoder.MAX_LABEL_CODE_POINTS + 1)), "label");
            refused(() -> writer.sessionEnd(1_000, longest + "x"), "label");
            final long start = writer.sessionStart(1_000, longest);
            assertEquals(0, start, "the refusals claimed no ring sequence");
            assertPassesTheGatewaysCheck(pipeline, start);
            final long end = writer.sessionEnd(2_000, "a".repeat(EnvelopeDecoder.MAX_LABEL_CODE_POINTS));
            assertPassesTheGatewaysCheck(pipeline, end);
            assertTrue(pipeline.awaitJournaled(end, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAValueOfAnotherTypeThanTheDictionarys() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            refused(() -> writer.begin(1, 1_000).putBoolean(SyntheticRun.SPEED, true), "Speed");
            refused(() -> writer.begin(2, 2_000).putBoolean(SyntheticRun.ENGINE_RPM, false), "Engine_RPM");
            refused(() -> writer.begin(3, 3_000).putDouble(DRS_OPEN, 1.0), "DRS_Open");
            refused(() -> writer.begin(4, 4_000).putLong(DRS_OPEN, 1), "DRS_Open");
            final long position = writer.begin(5, 5_000).putBoolean(DRS_OPEN, true).putDouble(SyntheticRun.SPEED, 1)
                .putLong(SyntheticRun.ENGINE_RPM, 9_000).commit();
            assertPassesTheGatewaysCheck(pipeline, position);
            assertTrue(pipeline.awaitJournaled(position, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(4, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    /**
     * Speed is f32 in [0, 400]. Over JSON, 400.00001 is narrowed to the float 400.0 and then checked: accepted. The
     * embedded writer stores the same float, so it checks the same value.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCheckTheRangeOfAnF32ValueAsItIsStored() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long position = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 400.00001).commit();
            assertEquals(400.0, sampleValue(pipeline, position, 0), "stored as the float 400.0f");
            assertPassesTheGatewaysCheck(pipeline, position);
            final long tenth = writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 0.1).commit();
            assertEquals(0.1f, sampleValue(pipeline, tenth, 0), "an f32 channel holds a float");
            // 400.0001 is the float 400.0000915...: outside the range as stored, as over JSON.
            refused(() -> writer.begin(3, 3_000).putDouble(SyntheticRun.SPEED, 400.0001), "Speed");
            refused(() -> writer.begin(4, 4_000).putDouble(SyntheticRun.SPEED, -1e-3), "Speed");
            assertTrue(pipeline.awaitJournaled(tenth, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseMoreThan256SamplesWhateverTheSlotHolds() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().validateParameters(false)
            .maxFrameBytes(8_192));
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            assertEquals(256, writer.maxSamples(), "the contract's bound, not the slot's");
            writer.begin(1, 1_000);
            for (int i = 0; i < 256; i++)
            {
                writer.putDouble(1_000 + i, i);
            }
            final FrameRejectedException tooMany = assertThrows(FrameRejectedException.class,
                () -> writer.putDouble(2_000, 1));
            assertEquals(PipelineCounter.DROPPED_FRAME_TOO_LARGE, tooMany.reason());
            assertTrue(tooMany.getMessage().contains("256"), tooMany.getMessage());
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_FRAME_TOO_LARGE));
    }

    /** The checks add nothing to allocate: begin, six puts and commit allocate nothing once warm. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldWriteFramesWithoutAllocating() throws ManifestException
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().ackMode(AckMode.ACCEPTED));
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            long sequence = 0;
            for (int i = 0; i < 20_000; i++)
            {
                writeFrame(writer, sequence++);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                writeFrame(writer, sequence++);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // One allocation per frame would be >= 320 000 bytes.
            assertTrue(allocated < 16_384, "20 000 frames allocated " + allocated + " bytes");
        }
        finally
        {
            pipeline.close();
        }
    }

    private static void writeFrame(final FrameWriter writer, final long i)
    {
        writer.begin(i, i * 1_000L).lapNumber(1).putLong(SyntheticRun.ENGINE_RPM, 4_000 + (i & 8_191))
            .putDouble(SyntheticRun.THROTTLE, i & 63).putDouble(SyntheticRun.SPEED, 100 + (i & 127))
            .putDouble(SyntheticRun.TORQUE, 300 + (i & 255)).putLong(SyntheticRun.GEAR, 1 + (i & 7))
            .putBoolean(DRS_OPEN, (i & 1) == 0).commit();
    }

    private static void refused(final Executable call, final String named)
    {
        final FrameRejectedException ex = assertThrows(FrameRejectedException.class, call);
        assertTrue(ex.getMessage().contains(named), ex.getMessage());
    }

    private static double sampleValue(final TelemetryPipeline pipeline, final long position, final int sample)
    {
        final FrameSlot slot = pipeline.slot(position);
        return Double.longBitsToDouble(slot.buffer().getLong(SlotDescriptor.FRAME_OFFSET + FrameDescriptor.SAMPLES +
            sample * FrameDescriptor.SAMPLE_LENGTH + FrameDescriptor.SAMPLE_VALUE, FrameDescriptor.ORDER));
    }

    /** The published frame is one the gateway would have taken from a binary WebSocket producer. */
    private static void assertPassesTheGatewaysCheck(final TelemetryPipeline pipeline, final long position)
    {
        final FrameSlot slot = pipeline.slot(position);
        final FrameValidator validator = new FrameValidator(ParameterRegistry.simV1());
        assertTrue(validator.validateExactly(slot.buffer(), SlotDescriptor.FRAME_OFFSET, slot.frameLength(),
            FrameValidator.Level.DICTIONARY), () -> validator.describe());
    }
}
