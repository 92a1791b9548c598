package io.pitgun.storage;

import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.journal.JournalEventStamp;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.UUID;

/**
 * One row of a {@link FrameTable}, refilled from each SBE {@code TelemetryFrame}: the identity fields and, per channel
 * column, the sample's value bits as the journal holds them (doubles for f32/f64, integers otherwise) or absent.
 * Session and player ids are turned into text only when they change, which they rarely do between frames.
 */
final class FrameRow
{
    private final FrameTable table;
    /** Each column's type, as the table lists it: read per sample, so kept in an array rather than looked up. */
    private final DataType[] types;
    final long[] bits;
    final int[] valueTypes;
    final boolean[] present;

    long journalIndex;
    long timestampUs;
    long sequence;
    int sourceId;
    int lapNumber;
    int sector;
    int flags;
    String eventId;
    int eventFrame;
    int eventFrames;
    /**
     * Samples left out of their row so far: an integer value its channel's type cannot hold (400,000 in a u16
     * channel), or a float in an integer channel, which a pipeline with {@code validate_parameters: false} or a
     * trusted {@code publish()} can journal.
     * Narrowed into the column's type it would be another number (Parquet's u16 column would show 6,784); absent, it
     * is an empty cell in every format, and counted.
     */
    long samplesOutOfType;
    private long sessionMsb;
    private long sessionLsb;
    private String sessionId;
    private long playerMsb;
    private long playerLsb;
    private String playerId;

    FrameRow(final FrameTable table)
    {
        this.table = table;
        final int columns = table.channels().size();
        bits = new long[columns];
        valueTypes = new int[columns];
        present = new boolean[columns];
        types = new DataType[columns];
        for (int column = 0; column < columns; column++)
        {
            types[column] = table.channels().get(column).type();
        }
    }

    FrameTable table()
    {
        return table;
    }

    /**
     * Fills the row from the frame at {@code offset} (message header included).
     *
     * @param stamp the journal's event identity of the frame, or null (derived frames have none).
     */
    void wrap(final DirectBuffer buffer, final int offset, final long journalIndex, final JournalEventStamp stamp)
    {
        this.journalIndex = journalIndex;
        timestampUs = buffer.getLong(offset + FrameDescriptor.TIMESTAMP_US, FrameDescriptor.ORDER);
        sequence = buffer.getLong(offset + FrameDescriptor.SEQUENCE, FrameDescriptor.ORDER);
        sourceId = buffer.getShort(offset + FrameDescriptor.SOURCE_ID, FrameDescriptor.ORDER) & 0xFFFF;
        lapNumber = buffer.getShort(offset + FrameDescriptor.LAP_NUMBER, FrameDescriptor.ORDER) & 0xFFFF;
        sector = buffer.getByte(offset + FrameDescriptor.SECTOR) & 0xFF;
        flags = buffer.getByte(offset + FrameDescriptor.FLAGS) & 0xFF;
        final long sMsb = buffer.getLong(offset + FrameDescriptor.SESSION_MSB, FrameDescriptor.ORDER);
        final long sLsb = buffer.getLong(offset + FrameDescriptor.SESSION_LSB, FrameDescriptor.ORDER);
        if (sessionId == null || sMsb != sessionMsb || sLsb != sessionLsb)
        {
            sessionMsb = sMsb;
            sessionLsb = sLsb;
            sessionId = new UUID(sMsb, sLsb).toString();
        }
        final long pMsb = buffer.getLong(offset + FrameDescriptor.PRODUCER_MSB, FrameDescriptor.ORDER);
        final long pLsb = buffer.getLong(offset + FrameDescriptor.PRODUCER_LSB, FrameDescriptor.ORDER);
        if (playerId == null || pMsb != playerMsb || pLsb != playerLsb)
        {
            playerMsb = pMsb;
            playerLsb = pLsb;
            playerId = new UUID(pMsb, pLsb).toString();
        }
        if (stamp != null && stamp.hasEvent())
        {
            eventId = stamp.eventId();
            eventFrame = stamp.frameOrdinal();
            eventFrames = stamp.frameCount();
        }
        else
        {
            eventId = null;
        }
        Arrays.fill(present, false);
        final int count = FrameDescriptor.sampleCount(buffer, offset);
        int at = offset + FrameDescriptor.SAMPLES;
        for (int i = 0; i < count; i++, at += FrameDescriptor.SAMPLE_LENGTH)
        {
            final int column = table.columnOf(buffer.getShort(at + FrameDescriptor.SAMPLE_ID, FrameDescriptor.ORDER));
            if (column >= 0)
            {
                bits[column] = buffer.getLong(at + FrameDescriptor.SAMPLE_VALUE, FrameDescriptor.ORDER);
                valueTypes[column] = buffer.getByte(at + FrameDescriptor.SAMPLE_VALUE_TYPE) & 0xFF;
                present[column] = fitsItsColumn(column);
                samplesOutOfType += present[column] ? 0 : 1;
            }
        }
    }

    /**
     * Whether the sample's value is one its column holds as it is: any number in a float column; in an integer
     * column an integer sample within the type (a float sample would be truncated); in a bool column any integer
     * (non-zero is true, as the pipeline reads it).
     */
    private boolean fitsItsColumn(final int column)
    {
        final DataType type = typeAt(column);
        if (type == DataType.F32 || type == DataType.F64)
        {
            return true;
        }
        final int valueType = valueTypes[column];
        if (valueType == FrameDescriptor.TYPE_F32 || valueType == FrameDescriptor.TYPE_F64)
        {
            return false;
        }
        final long value = longAt(column);
        return type == DataType.BOOL || value >= type.minInteger() && value <= type.maxInteger();
    }

    String sessionId()
    {
        return sessionId;
    }

    String playerId()
    {
        return playerId;
    }

    boolean hasLapNumber()
    {
        return lapNumber != (FrameDescriptor.NULL_LAP & 0xFFFF);
    }

    boolean hasSector()
    {
        return sector != (FrameDescriptor.NULL_SECTOR & 0xFF);
    }

    /** Channel {@code column}'s value as a double (its column is f32 or f64). */
    double doubleAt(final int column)
    {
        return FrameDescriptor.doubleValue(valueTypes[column], bits[column]);
    }

    /** Channel {@code column}'s value as an integer (its column is an integer or bool type). */
    long longAt(final int column)
    {
        return FrameDescriptor.longValue(valueTypes[column], bits[column]);
    }

    DataType typeAt(final int column)
    {
        return types[column];
    }
}
