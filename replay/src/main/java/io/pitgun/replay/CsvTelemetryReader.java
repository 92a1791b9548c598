package io.pitgun.replay;

import io.pitgun.codecs.dictionary.Conversion;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.EnvelopeDecoder;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a telemetry CSV row by row: a header, then one row per frame. Plain comma-separated values (a value may be
 * double-quoted), {@code \n} or {@code \r\n} line ends, blank lines ignored, {@code .gz} files read transparently.
 * <p>
 * Each value is checked against its channel's type as it is read: integer channels take whole numbers, boolean
 * channels {@code true}/{@code false}/{@code 1}/{@code 0}, the others any finite number; an empty cell means "no
 * sample". Ranges are left to the gateway, whose answer the replay reports. Every problem names the line and column.
 */
public final class CsvTelemetryReader implements Closeable
{
    private static final long MAX_LAP = 65_534;
    private static final long MAX_SECTOR = 254;

    private final String source;
    private final BufferedReader reader;
    private final ColumnMapping mapping;
    private long lineNumber;
    private long previousTimestampUs = -1;

    private CsvTelemetryReader(final String source, final BufferedReader reader, final ColumnMapping mapping,
        final long lineNumber)
    {
        this.source = source;
        this.reader = reader;
        this.mapping = mapping;
        this.lineNumber = lineNumber;
    }

    /** Opens a CSV file ({@code .gz} is decompressed) and maps its header. */
    public static CsvTelemetryReader open(final Path file, final ParameterRegistry registry,
        final boolean includeRestricted) throws IOException
    {
        return open(file.toString(), openText(file), registry, includeRestricted);
    }

    /**
     * Opens a CSV file's text as this reader reads it: UTF-8, a {@code .gz} file decompressed. For a tool that
     * reads or copies rows as text ({@link #splitRow} splits one); blank lines are not rows.
     */
    public static BufferedReader openText(final Path file) throws IOException
    {
        if (Files.isDirectory(file))
        {
            // It opens, as a directory does on Linux, and its first read fails saying "Is a directory", naming nothing.
            throw new ReplayInputException(file + ": is a directory, not a CSV file");
        }
        final InputStream in;
        try
        {
            in = Files.newInputStream(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ReplayInputException(file + ": no such file");
        }
        final InputStream raw;
        try
        {
            raw = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
        }
        catch (final ZipException ex)
        {
            in.close();
            // Its own message, "Not in GZIP format", names no file.
            throw new ReplayInputException(file + ": not a gzip file (a .gz input is read as gzip): " +
                ex.getMessage());
        }
        return new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Reads the header from {@code reader} and maps it. */
    public static CsvTelemetryReader open(final String source, final BufferedReader reader,
        final ParameterRegistry registry, final boolean includeRestricted) throws IOException
    {
        long line = 0;
        String text;
        do
        {
            text = reader.readLine();
            line++;
        }
        while (text != null && text.isBlank());
        if (text == null)
        {
            throw new ReplayInputException(source + ": empty file, expected a header line starting with timestamp_us");
        }
        if (line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF')
        {
            text = text.substring(1);
        }
        final List<String> header = splitRow(source, line, text);
        final ColumnMapping mapping;
        try
        {
            mapping = ColumnMapping.of(header, registry, includeRestricted);
        }
        catch (final ReplayInputException ex)
        {
            // The mapping names the column; where it is (file and header line) is known here.
            throw new ReplayInputException(source + ":" + line + ": " + ex.getMessage());
        }
        return new CsvTelemetryReader(source, reader, mapping, line);
    }

    /** How the columns were mapped. */
    public ColumnMapping mapping()
    {
        return mapping;
    }

    /**
     * The next row, or null at the end of the file.
     *
     * @throws ReplayInputException naming the line and column of a malformed value.
     */
    public TelemetryRow next() throws IOException
    {
        String text;
        do
        {
            text = reader.readLine();
            lineNumber++;
        }
        while (text != null && text.isBlank());
        if (text == null)
        {
            return null;
        }
        final List<String> cells = splitRow(source, lineNumber, text);
        if (cells.size() != mapping.header().size())
        {
            throw error("has " + cells.size() + " values but the header has " + mapping.header().size() + " columns");
        }
        final long timestampUs = parseInteger(cells.get(mapping.timestampColumn()), "timestamp_us", 0,
            EnvelopeDecoder.MAX_SAFE_INTEGER, true);
        if (timestampUs < previousTimestampUs)
        {
            throw error("timestamp_us goes backwards (" + timestampUs + " after " + previousTimestampUs +
                "): rows must be in time order");
        }
        previousTimestampUs = timestampUs;
        final int lap = mapping.lapColumn() == ColumnMapping.ABSENT ? -1 :
            (int)parseInteger(cells.get(mapping.lapColumn()), "lap_number", 0, MAX_LAP, false);
        final int sector = mapping.sectorColumn() == ColumnMapping.ABSENT ? -1 :
            (int)parseInteger(cells.get(mapping.sectorColumn()), "sector", 0, MAX_SECTOR, false);

        final int count = mapping.channelCount();
        int present = 0;
        final ParameterDefinition[] channels = new ParameterDefinition[count];
        final String[] values = new String[count];
        for (int i = 0; i < count; i++)
        {
            final String cell = cells.get(mapping.channelColumn(i)).trim();
            if (cell.isEmpty())
            {
                continue;
            }
            final ParameterDefinition channel = mapping.channel(i);
            channels[present] = channel;
            final Conversion raw = mapping.rawConversion(i);
            values[present] = raw == null ? jsonValue(cell, channel) :
                Double.toString(raw.toEngineering(Double.parseDouble(jsonValue(cell, channel))));
            present++;
        }
        if (present < count)
        {
            return new TelemetryRow(lineNumber, timestampUs, lap, sector,
                java.util.Arrays.copyOf(channels, present), java.util.Arrays.copyOf(values, present));
        }
        return new TelemetryRow(lineNumber, timestampUs, lap, sector, channels, values);
    }

    private long parseInteger(final String cell, final String column, final long min, final long max,
        final boolean required)
    {
        final String text = cell.trim();
        if (text.isEmpty())
        {
            if (required)
            {
                throw error("column " + column + " is empty");
            }
            return -1;
        }
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw error("column " + column + ": '" + text + "' is not a whole number");
        }
        if (value < min || value > max)
        {
            throw error("column " + column + ": " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    private String jsonValue(final String cell, final ParameterDefinition channel)
    {
        final DataType type = channel.dataType();
        if (type == DataType.BOOL)
        {
            if (cell.equals("1") || cell.equalsIgnoreCase("true"))
            {
                return "true";
            }
            if (cell.equals("0") || cell.equalsIgnoreCase("false"))
            {
                return "false";
            }
            throw error("column " + channel.name() + ": '" + cell + "' is not a boolean (true, false, 1 or 0)");
        }
        if (type.isInteger())
        {
            if (!isJsonInteger(cell))
            {
                throw error("column " + channel.name() + ": '" + cell + "' is not a whole number (" +
                    channel.name() + " is " + type.symbol() + ")");
            }
            return cell.charAt(0) == '+' ? cell.substring(1) : cell;
        }
        // A JSON number may still be beyond a double ("1e400"): that is refused below, as docs/replay.md says.
        if (JsonNumbers.isJsonNumber(cell) && Double.isFinite(Double.parseDouble(cell)))
        {
            return cell;
        }
        final double value;
        try
        {
            value = Double.parseDouble(cell);
        }
        catch (final NumberFormatException ex)
        {
            throw error("column " + channel.name() + ": '" + cell + "' is not a number");
        }
        if (!Double.isFinite(value) || !cell.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?"))
        {
            throw error("column " + channel.name() + ": '" + cell + "' is not a finite decimal number");
        }
        // "+1", ".5" and "1." are numbers people write but JSON does not accept: send the same value in JSON form.
        return Double.toString(value);
    }

    private static boolean isJsonInteger(final String text)
    {
        int i = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
        if (i == text.length())
        {
            return false;
        }
        for (; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return true;
    }

    private ReplayInputException error(final String problem)
    {
        return new ReplayInputException(source + ":" + lineNumber + ": " + problem);
    }

    /**
     * Splits one line of a telemetry CSV into its values as this reader does: RFC 4180 enough for telemetry, commas
     * separate, double quotes may wrap a value ({@code ""} is a quote inside one).
     *
     * @param source the file, for the error.
     * @param line   the line number, for the error.
     * @param text   the line, without its line end.
     * @return the values, unquoted.
     * @throws ReplayInputException if a quoted value is not closed on the line.
     */
    public static List<String> splitRow(final String source, final long line, final String text)
    {
        final List<String> cells = new ArrayList<>();
        final StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"')
                    {
                        cell.append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.append(c);
                }
            }
            else if (c == '"' && cell.toString().isBlank())
            {
                cell.setLength(0);
                quoted = true;
            }
            else if (c == ',')
            {
                cells.add(cell.toString());
                cell.setLength(0);
            }
            else
            {
                cell.append(c);
            }
        }
        if (quoted)
        {
            throw new ReplayInputException(source + ":" + line + ": unterminated quoted value");
        }
        cells.add(cell.toString());
        return cells;
    }

    @Override
    public void close() throws IOException
    {
        reader.close();
    }
}
