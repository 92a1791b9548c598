package io.pitgun.replay;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.Conversion;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.NameSuggester;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which CSV column holds what: the frame's {@code timestamp_us} (required), {@code lap_number} and {@code sector}
 * (optional), and dictionary channels. Names match when they are equal ignoring case and the separators
 * {@code _ - . space}, so {@code engine-rpm} and {@code ENGINE RPM} both find {@code Engine_RPM}. Columns that match
 * nothing are kept aside (listed once, with the nearest dictionary names); restricted channels are left out unless
 * the client may send them.
 */
public final class ColumnMapping
{
    /** Column index meaning "no such column". */
    public static final int ABSENT = -1;

    private static final String TIMESTAMP = "timestamp_us";
    private static final String LAP_NUMBER = "lap_number";
    private static final String SECTOR = "sector";

    private final List<String> header;
    private final int timestampColumn;
    private final int lapColumn;
    private final int sectorColumn;
    private final int[] channelColumns;
    private final ParameterDefinition[] channels;
    private final Conversion[] rawConversions;
    private final List<String> unknown;
    private final List<String> restrictedSkipped;

    private ColumnMapping(final List<String> header, final int timestampColumn, final int lapColumn,
        final int sectorColumn, final int[] channelColumns, final ParameterDefinition[] channels,
        final Conversion[] rawConversions, final List<String> unknown, final List<String> restrictedSkipped)
    {
        this.rawConversions = rawConversions;
        this.header = header;
        this.timestampColumn = timestampColumn;
        this.lapColumn = lapColumn;
        this.sectorColumn = sectorColumn;
        this.channelColumns = channelColumns;
        this.channels = channels;
        this.unknown = unknown;
        this.restrictedSkipped = restrictedSkipped;
    }

    /**
     * Maps a header row.
     *
     * @param header            the column names, in order.
     * @param registry          the dictionary channels are resolved against.
     * @param includeRestricted whether restricted channels are sent (the gateway refuses them unless the client is
     *                          allowed them).
     * @throws ReplayInputException when there is no {@code timestamp_us} column or two columns name the same thing.
     */
    public static ColumnMapping of(final List<String> header, final ParameterRegistry registry,
        final boolean includeRestricted)
    {
        final Map<String, ParameterDefinition> byNormalName = new HashMap<>();
        for (final ParameterDefinition definition : registry.parameters())
        {
            byNormalName.put(NameSuggester.normalise(definition.name()), definition);
        }
        int timestamp = ABSENT;
        int lap = ABSENT;
        int sector = ABSENT;
        final List<Integer> columns = new ArrayList<>();
        final List<ParameterDefinition> mapped = new ArrayList<>();
        final List<Conversion> conversions = new ArrayList<>();
        final Map<String, String> claimedBy = new HashMap<>();
        final List<String> unknown = new ArrayList<>();
        final List<String> restricted = new ArrayList<>();
        for (int i = 0; i < header.size(); i++)
        {
            final String written = header.get(i).trim();
            // "Tyre_Surface_Temp_FL[K]": the column holds the raw reading in that unit.
            final int bracket = written.endsWith("]") ? written.lastIndexOf('[') : -1;
            final String name = bracket > 0 ? written.substring(0, bracket).trim() : written;
            final String unit = bracket > 0 ? written.substring(bracket + 1, written.length() - 1).trim() : null;
            final String normal = NameSuggester.normalise(name);
            final String target;
            if (normal.equals(NameSuggester.normalise(TIMESTAMP)))
            {
                target = TIMESTAMP;
                timestamp = i;
            }
            else if (normal.equals(NameSuggester.normalise(LAP_NUMBER)))
            {
                target = LAP_NUMBER;
                lap = i;
            }
            else if (normal.equals(NameSuggester.normalise(SECTOR)))
            {
                target = SECTOR;
                sector = i;
            }
            else
            {
                final ParameterDefinition definition = byNormalName.get(normal);
                if (definition == null)
                {
                    final List<String> nearest = registry.suggest(name, 3);
                    unknown.add(name.isEmpty() ? "(empty header, column " + (i + 1) + ")" :
                        nearest.isEmpty() ? name : name + " (did you mean " + String.join(", ", nearest) + "?)");
                    continue;
                }
                target = definition.name();
                if (definition.access() == AccessLevel.RESTRICTED && !includeRestricted)
                {
                    restricted.add(definition.name());
                }
                else
                {
                    columns.add(i);
                    mapped.add(definition);
                    conversions.add(rawConversion(written, definition, unit));
                }
            }
            final String previous = claimedBy.put(target, name);
            if (previous != null)
            {
                throw new ReplayInputException("columns '" + previous + "' and '" + name + "' both map to " + target +
                    ": keep one of them");
            }
        }
        if (timestamp == ABSENT)
        {
            throw new ReplayInputException("the CSV has no timestamp_us column (capture time in µs since the epoch); " +
                "columns are: " + String.join(", ", header));
        }
        final int[] channelColumns = new int[columns.size()];
        for (int i = 0; i < channelColumns.length; i++)
        {
            channelColumns[i] = columns.get(i);
        }
        return new ColumnMapping(List.copyOf(header), timestamp, lap, sector, channelColumns,
            mapped.toArray(new ParameterDefinition[0]), conversions.toArray(new Conversion[0]),
            Collections.unmodifiableList(unknown),
            Collections.unmodifiableList(restricted));
    }

    /**
     * The conversion a column marked with a raw unit needs ({@code Name[raw_unit]}: the dictionary's
     * {@code conversion} from that unit), or null when the column is in the channel's engineering unit.
     */
    private static Conversion rawConversion(final String column, final ParameterDefinition definition,
        final String unit)
    {
        if (unit == null || unit.equals(definition.unit().symbol()))
        {
            return null;
        }
        final Conversion conversion = definition.conversion();
        if (conversion.rawUnit() == null || !conversion.rawUnit().symbol().equals(unit))
        {
            throw new ReplayInputException("column '" + column + "': " + definition.name() + " is in " +
                definition.unit().symbol() + (conversion.rawUnit() == null ? " and the dictionary gives no conversion" :
                "; the dictionary converts only from " + conversion.rawUnit().symbol()) + " (write the column as " +
                definition.name() + " or " + definition.name() + "[" + definition.unit().symbol() + "])");
        }
        if (definition.dataType().isInteger() || definition.dataType() == DataType.BOOL)
        {
            throw new ReplayInputException("column '" + column + "': " + definition.name() + " is " +
                definition.dataType().symbol() + "; raw conversion applies to f32 and f64 channels");
        }
        return conversion;
    }

    /** The conversion to apply to channel {@code i}'s cells (raw column), or null (engineering units already). */
    public Conversion rawConversion(final int i)
    {
        return rawConversions[i];
    }

    /** The header as read. */
    public List<String> header()
    {
        return header;
    }

    public int timestampColumn()
    {
        return timestampColumn;
    }

    /** The lap number column, or {@link #ABSENT}. */
    public int lapColumn()
    {
        return lapColumn;
    }

    /** The sector column, or {@link #ABSENT}. */
    public int sectorColumn()
    {
        return sectorColumn;
    }

    /** Number of channel columns that are sent. */
    public int channelCount()
    {
        return channels.length;
    }

    /** CSV column of the {@code i}-th sent channel. */
    public int channelColumn(final int i)
    {
        return channelColumns[i];
    }

    /** Dictionary definition of the {@code i}-th sent channel. */
    public ParameterDefinition channel(final int i)
    {
        return channels[i];
    }

    /** Columns that match no dictionary channel, each with its nearest names when there are any. */
    public List<String> unknownColumns()
    {
        return unknown;
    }

    /** Restricted channels present in the CSV but not sent. */
    public List<String> restrictedSkipped()
    {
        return restrictedSkipped;
    }
}
