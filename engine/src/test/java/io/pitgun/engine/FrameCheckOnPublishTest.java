package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline takes only messages every journal tool can read (the codecs' FrameStructure rule): a frame with an
 * undefined enum or trailing bytes is refused at publish, counted, and never reaches a slot or the journal.
 */
@Timeout(30)
class FrameCheckOnPublishTest
{
    private TelemetryPipeline pipeline;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);

    @BeforeEach
    void start() throws Exception
    {
        pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("fast-only.yaml"))
            .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build()).build();
    }

    @AfterEach
    void stop()
    {
        pipeline.close();
    }

    @Test
    void shouldRefuseFramesTheJournalToolsCouldNotRead()
    {
        refused(b -> b.putByte(FrameDescriptor.SAMPLES + FrameDescriptor.SAMPLE_QUALITY, (byte)200), 0);
        refused(b -> b.putByte(FrameDescriptor.SAMPLES + FrameDescriptor.SAMPLE_VALUE_TYPE, (byte)200), 0);
        refused(b -> b.putShort(0, (short)8, ByteOrder.LITTLE_ENDIAN), 0); // shorter than this build's block
        refused(b -> b.putShort(0, (short)80, ByteOrder.LITTLE_ENDIAN), 0); // longer, but the bytes are not there
        refused(b -> { }, 3); // a valid frame followed by three stray bytes
        assertEquals(5, pipeline.counters().get(PipelineCounter.DROPPED_UNDECODABLE));

        final int length = validFrame();
        assertTrue(pipeline.tryPublish(frame, 0, length) >= 0);
    }

    @Test
    void shouldTakeFrameOfNewerSchemaWithLongerBlocks()
    {
        final int length = validFrame();
        final UnsafeBuffer grown = new UnsafeBuffer(new byte[512]);
        final int extra = 8;
        grown.putBytes(0, frame, 0, FrameDescriptor.GROUP_HEADER);
        grown.putShort(FrameDescriptor.BLOCK_LENGTH_OFFSET, (short)(FrameDescriptor.FRAME_BLOCK_LENGTH + extra),
            ByteOrder.LITTLE_ENDIAN);
        grown.putShort(FrameDescriptor.VERSION_OFFSET, (short)2, ByteOrder.LITTLE_ENDIAN);
        grown.putBytes(FrameDescriptor.GROUP_HEADER + extra, frame, FrameDescriptor.GROUP_HEADER,
            length - FrameDescriptor.GROUP_HEADER);
        assertTrue(pipeline.tryPublish(grown, 0, length + extra) >= 0);

        final SlotClaim claim = pipeline.newSlotClaim();
        assertTrue(claim.tryClaim());
        claim.buffer().putBytes(claim.offset(), grown, 0, length + extra);
        assertTrue(claim.commit(length + extra) >= 0);
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_UNDECODABLE));
    }

    private void refused(final Consumer<UnsafeBuffer> change, final int trailingBytes)
    {
        final int length = validFrame();
        change.accept(frame);
        final FrameRejectedException ex = assertThrows(FrameRejectedException.class,
            () -> pipeline.tryPublish(frame, 0, length + trailingBytes));
        assertEquals(PipelineCounter.DROPPED_UNDECODABLE, ex.reason());
    }

    private int validFrame()
    {
        frame.setMemory(0, frame.capacity(), (byte)0);
        return oneSampleFrame(frame);
    }

    /** Encodes at 0 a valid frame message of one sample (speed, 100.0); returns its length. For other tests too. */
    static int oneSampleFrame(final UnsafeBuffer buffer)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).sequence(1).timestampUs(1).sourceId(1)
            .lapNumber(1).sector((short)0);
        encoder.flags().clear();
        encoder.samplesCount(1).next().value(Double.doubleToRawLongBits(100.0)).parameterId(SyntheticRun.SPEED)
            .valueType(ValueType.F32).quality(SignalQuality.GOOD);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
