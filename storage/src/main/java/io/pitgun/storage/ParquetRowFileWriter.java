package io.pitgun.storage;

import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Parquet file written by parquet-java straight to a local file ({@link LocalOutputFile}) with a plain
 * configuration, so no Hadoop file system is involved; ZSTD pages ({@link ZstdCodecFactory}, so no Hadoop codec either),
 * dictionary encoding on.
 */
final class ParquetRowFileWriter implements RowFileWriter
{
    /** Row group size: rows are buffered in memory up to this before they are encoded and written. */
    static final long ROW_GROUP_BYTES = 32L << 20;

    private final RowWriteSupport support;
    private final ParquetWriter<FrameRow> writer;

    ParquetRowFileWriter(final Path file, final FrameTable table) throws IOException
    {
        support = new RowWriteSupport(table.parquetSchema());
        writer = new Builder(new LocalOutputFile(file), support)
            .withConf(new PlainParquetConfiguration())
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .withCodecFactory(new ZstdCodecFactory())
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withDictionaryEncoding(true)
            .build();
    }

    @Override
    public void write(final FrameRow row) throws IOException
    {
        writer.write(row);
    }

    @Override
    public long sizeBytes()
    {
        return writer.getDataSize();
    }

    @Override
    public void close(final Map<String, String> provenance) throws IOException
    {
        support.footer.putAll(provenance);
        writer.close();
    }

    private static final class Builder extends ParquetWriter.Builder<FrameRow, Builder>
    {
        private final RowWriteSupport support;

        Builder(final LocalOutputFile file, final RowWriteSupport support)
        {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self()
        {
            return this;
        }

        @Override
        protected WriteSupport<FrameRow> getWriteSupport(final ParquetConfiguration conf)
        {
            return support;
        }

        @Override
        protected WriteSupport<FrameRow> getWriteSupport(final org.apache.hadoop.conf.Configuration conf)
        {
            return support;
        }
    }

    /** Writes a {@link FrameRow} field by field; absent values are simply not written (null). */
    private static final class RowWriteSupport extends WriteSupport<FrameRow>
    {
        final Map<String, String> footer = new HashMap<>();
        private final MessageType schema;
        private RecordConsumer out;

        RowWriteSupport(final MessageType schema)
        {
            this.schema = schema;
        }

        @Override
        public WriteContext init(final ParquetConfiguration configuration)
        {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public WriteContext init(final org.apache.hadoop.conf.Configuration configuration)
        {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public String getName()
        {
            return "pitgun";
        }

        @Override
        public void prepareForWrite(final RecordConsumer recordConsumer)
        {
            out = recordConsumer;
        }

        @Override
        public FinalizedWriteContext finalizeWrite()
        {
            return new FinalizedWriteContext(footer);
        }

        @Override
        public void write(final FrameRow row)
        {
            final boolean journalFrames = row.table().isJournalFrames();
            int field = 0;
            out.startMessage();
            putLong(field++, FrameTable.TIMESTAMP_US, row.timestampUs);
            putString(field++, FrameTable.SESSION_ID, row.sessionId());
            putInt(field++, FrameTable.SOURCE_ID, row.sourceId);
            if (journalFrames)
            {
                putLong(field++, FrameTable.JOURNAL_INDEX, row.journalIndex);
            }
            putString(field++, FrameTable.PLAYER_ID, row.playerId());
            putLong(field++, FrameTable.SEQUENCE, row.sequence);
            if (row.hasLapNumber())
            {
                putInt(field, FrameTable.LAP_NUMBER, row.lapNumber);
            }
            field++;
            if (row.hasSector())
            {
                putInt(field, FrameTable.SECTOR, row.sector);
            }
            field++;
            putInt(field++, FrameTable.FLAGS, row.flags);
            if (journalFrames)
            {
                if (row.eventId != null)
                {
                    putString(field, FrameTable.EVENT_ID, row.eventId);
                    putInt(field + 1, FrameTable.EVENT_FRAME, row.eventFrame);
                    putInt(field + 2, FrameTable.EVENT_FRAMES, row.eventFrames);
                }
                field += 3;
            }
            final int channels = row.present.length;
            for (int column = 0; column < channels; column++, field++)
            {
                if (!row.present[column])
                {
                    continue;
                }
                final String name = row.table().channels().get(column).name();
                out.startField(name, field);
                switch (row.typeAt(column))
                {
                    case F64:
                        out.addDouble(row.doubleAt(column));
                        break;
                    case F32:
                        out.addFloat((float)row.doubleAt(column));
                        break;
                    case BOOL:
                        out.addBoolean(row.longAt(column) != 0);
                        break;
                    case I64:
                        out.addLong(row.longAt(column));
                        break;
                    default:
                        out.addInteger((int)row.longAt(column));
                        break;
                }
                out.endField(name, field);
            }
            out.endMessage();
        }

        private void putLong(final int field, final String name, final long value)
        {
            out.startField(name, field);
            out.addLong(value);
            out.endField(name, field);
        }

        private void putInt(final int field, final String name, final int value)
        {
            out.startField(name, field);
            out.addInteger(value);
            out.endField(name, field);
        }

        private void putString(final int field, final String name, final String value)
        {
            out.startField(name, field);
            out.addBinary(Binary.fromString(value));
            out.endField(name, field);
        }
    }
}
