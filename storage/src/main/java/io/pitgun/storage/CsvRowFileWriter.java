package io.pitgun.storage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A CSV file with the columns of the Parquet file, in the same order: a header line, then one line per row;
 * {@code timestamp_us} as integer microseconds, absent values empty, floats as their shortest round-trip text
 * ({@code journal dump --format csv}'s spelling; non-finite values empty). CSV has no footer: the provenance is not
 * written.
 */
final class CsvRowFileWriter implements RowFileWriter
{
    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder(1024);
    private long sizeBytes;

    CsvRowFileWriter(final Path file, final FrameTable table) throws IOException
    {
        out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), 1 << 16);
        final String header = String.join(",", table.columnNames()) + "\n";
        out.write(header);
        sizeBytes = header.length();
    }

    @Override
    public void write(final FrameRow row) throws IOException
    {
        final StringBuilder line = this.line;
        line.setLength(0);
        final boolean journalFrames = row.table().isJournalFrames();
        line.append(row.timestampUs).append(',').append(row.sessionId()).append(',').append(row.sourceId).append(',');
        if (journalFrames)
        {
            line.append(row.journalIndex).append(',');
        }
        line.append(row.playerId()).append(',').append(Long.toUnsignedString(row.sequence)).append(',');
        if (row.hasLapNumber())
        {
            line.append(row.lapNumber);
        }
        line.append(',');
        if (row.hasSector())
        {
            line.append(row.sector);
        }
        line.append(',').append(row.flags);
        if (journalFrames)
        {
            line.append(',');
            if (row.eventId != null)
            {
                line.append(row.eventId).append(',').append(row.eventFrame).append(',').append(row.eventFrames);
            }
            else
            {
                line.append(",,");
            }
        }
        for (int column = 0; column < row.present.length; column++)
        {
            line.append(',');
            if (!row.present[column])
            {
                continue;
            }
            switch (row.typeAt(column))
            {
                case F64:
                {
                    final double value = row.doubleAt(column);
                    if (Double.isFinite(value))
                    {
                        line.append(value);
                    }
                    break;
                }
                case F32:
                {
                    final float value = (float)row.doubleAt(column);
                    if (Float.isFinite(value))
                    {
                        line.append(value);
                    }
                    break;
                }
                case BOOL:
                    line.append(row.longAt(column) != 0);
                    break;
                default:
                    line.append(row.longAt(column));
                    break;
            }
        }
        line.append('\n');
        out.append(line);
        sizeBytes += line.length(); // ASCII only: ids, numbers, true/false
    }

    @Override
    public long sizeBytes()
    {
        return sizeBytes;
    }

    @Override
    public void close(final Map<String, String> provenance) throws IOException
    {
        out.close();
    }
}
