package io.pitgun.storage;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer the live Parquet sink runs for as long as the gateway, and the rows it is given. */
class PartitionedFrameWriterTest
{
    private static final long HOUR_14_US = 1_796_306_400_000_000L; // 2026-12-03T14:00:00Z
    private static final int ENGINE_RPM = 1;
    private static final int GEAR = 6;
    private static final int DRS_OPEN = 10;

    @TempDir
    Path dir;

    @Test
    void shouldKeepNothingPerSessionInTheLiveWriterOnceItsFilesAreComplete() throws Exception
    {
        // Before: two map entries per session ever written (this table's and the derived one's), for good.
        final FrameTable table = FrameTable.frames(ParameterRegistry.simV1(), false);
        final List<ExportedFile> completed = new ArrayList<>();
        final PartitionedFrameWriter writer = PartitionedFrameWriter.live(dir, table, FileRotation.defaults(),
            Map.of(), null, completed::add);
        final FrameRow row = new FrameRow(table);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        for (int session = 0; session < 300; session++)
        {
            final UUID id = new UUID(session, session);
            row.wrap(buffer, frame(buffer, id, ValueType.U16, 9_000), session, null);
            writer.write(row);
            writer.closeSession(id.toString());
        }
        writer.close();
        assertEquals(300, completed.size());
        assertEquals(0, writer.partNumbersKept());

        // A session written again after its file completed takes the next part, found on disk.
        final UUID first = new UUID(0, 0);
        final PartitionedFrameWriter again = PartitionedFrameWriter.live(dir, table, FileRotation.defaults(),
            Map.of(), null, completed::add);
        row.wrap(buffer, frame(buffer, first, ValueType.U16, 9_000), 301, null);
        again.write(row);
        again.close();
        assertTrue(Files.exists(dir.resolve(first.toString()).resolve("2026-12-03T14.1.parquet")));
    }

    @Test
    void shouldLeaveOutAFloatSampleInAnIntegerChannelAndAnIntegerTheTypeCannotHold()
    {
        final FrameRow row = new FrameRow(FrameTable.frames(ParameterRegistry.simV1(), false));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int offset = 8;
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder());
        frame.sessionId().mostSigBits(1).leastSigBits(1);
        frame.sequence(1).timestampUs(HOUR_14_US);
        final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(3);
        // Gear (i8) as the double 3.7: truncated to 3 by a narrowing read; Engine_RPM (u16) 70,000; DRS_Open 2
        samples.next().parameterId(GEAR).valueType(ValueType.F64).quality(SignalQuality.GOOD)
            .value(Double.doubleToRawLongBits(3.7));
        samples.next().parameterId(ENGINE_RPM).valueType(ValueType.I64).quality(SignalQuality.GOOD).value(70_000);
        samples.next().parameterId(DRS_OPEN).valueType(ValueType.BOOL).quality(SignalQuality.GOOD).value(2);
        row.wrap(buffer, offset, 0, null);
        final FrameTable table = row.table();
        assertFalse(row.present[column(table, GEAR)], "a float in an integer column");
        assertFalse(row.present[column(table, ENGINE_RPM)], "70,000 in a u16 column");
        assertTrue(row.present[column(table, DRS_OPEN)], "non-zero is true, as the pipeline reads it");
        assertEquals(2, row.samplesOutOfType);
    }

    private static int column(final FrameTable table, final int parameterId)
    {
        return table.columnOf(parameterId);
    }

    private static int frame(final UnsafeBuffer buffer, final UUID session, final ValueType type, final long value)
    {
        final int offset = 8;
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder());
        frame.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
        frame.sequence(1).timestampUs(HOUR_14_US);
        frame.samplesCount(1).next().parameterId(ENGINE_RPM).valueType(type).quality(SignalQuality.GOOD).value(value);
        return offset;
    }
}
