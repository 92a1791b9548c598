package io.pitgun.storage;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The columns of an export table: the frame's identity columns, then one typed column per channel, in parameter id
 * order. Two tables exist: {@link #frames} (journal frames, one column per dictionary channel) and {@link #derived}
 * (the manifest's derived frames, one column per derived channel the manifest emits).
 */
public final class FrameTable
{
    /** Identity columns of both tables, in order. */
    static final String TIMESTAMP_US = "timestamp_us";
    static final String SESSION_ID = "session_id";
    static final String SOURCE_ID = "source_id";
    static final String JOURNAL_INDEX = "journal_index";
    static final String PLAYER_ID = "player_id";
    static final String SEQUENCE = "sequence";
    static final String LAP_NUMBER = "lap_number";
    static final String SECTOR = "sector";
    static final String FLAGS = "flags";
    static final String EVENT_ID = "event_id";
    static final String EVENT_FRAME = "event_frame";
    static final String EVENT_FRAMES = "event_frames";

    /** One channel column: the parameter id its samples carry, its name and its type. */
    public record Channel(int parameterId, String name, DataType type)
    {
    }

    private final boolean journalFrames;
    private final List<Channel> channels;
    private final int[] columnOf = new int[1 << 16];
    private final int restrictedLeftOut;

    private FrameTable(final boolean journalFrames, final List<Channel> channels, final int restrictedLeftOut)
    {
        this.journalFrames = journalFrames;
        this.channels = Collections.unmodifiableList(channels);
        this.restrictedLeftOut = restrictedLeftOut;
        Arrays.fill(columnOf, -1);
        for (int i = 0; i < channels.size(); i++)
        {
            columnOf[channels.get(i).parameterId()] = i;
        }
    }

    /**
     * The journal-frame table of {@code registry}: every public channel, and the restricted and internal ones only
     * when {@code includeRestricted} (as {@code journal dump}: an export is copied and mailed more freely than the
     * journal it came from).
     */
    public static FrameTable frames(final ParameterRegistry registry, final boolean includeRestricted)
    {
        final List<Channel> channels = new ArrayList<>();
        int leftOut = 0;
        for (final ParameterDefinition definition : registry.parameters())
        {
            if (definition.access() != AccessLevel.PUBLIC && !includeRestricted)
            {
                leftOut++;
                continue;
            }
            channels.add(new Channel(definition.id(), definition.name(), definition.dataType()));
        }
        channels.sort((a, b) -> Integer.compare(a.parameterId(), b.parameterId()));
        return new FrameTable(true, channels, leftOut);
    }

    /**
     * The derived-frame table of {@code manifest}: each derived channel it emits, except, unless
     * {@code includeRestricted}, those that read a restricted or internal channel (a derived channel takes the most
     * restrictive level of what it reads, {@link ChannelAccess}).
     */
    public static FrameTable derived(final CompiledManifest manifest, final boolean includeRestricted)
    {
        final ChannelAccess access = ChannelAccess.of(manifest);
        final List<Channel> channels = new ArrayList<>();
        int leftOut = 0;
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (!manifest.emits(channel.name()))
            {
                continue;
            }
            if (access.levelOf(channel.parameterId()) != AccessLevel.PUBLIC && !includeRestricted)
            {
                leftOut++;
                continue;
            }
            {
                channels.add(new Channel(channel.parameterId(), channel.name(), channel.dataType()));
            }
        }
        channels.sort((a, b) -> Integer.compare(a.parameterId(), b.parameterId()));
        return new FrameTable(false, channels, leftOut);
    }

    /**
     * This table, for Parquet files: refuses a channel named as an identity column (a dictionary's or manifest's
     * {@code sequence}), since two columns of one name make no Parquet schema a reader can use, and the writer failed
     * at every frame, the export calling each entry damaged and the live sink failing for good. A CSV file takes the
     * two columns (a reader tells them apart by position), so a CSV export does not ask.
     */
    public FrameTable requireParquetNames()
    {
        final List<String> identityColumns = identityColumns();
        for (final Channel channel : channels)
        {
            if (identityColumns.contains(channel.name()))
            {
                throw new IllegalArgumentException("channel '" + channel.name() + "' has the name of an identity " +
                    "column of the exported table (" + String.join(", ", identityColumns) + "): rename it in the " +
                    "dictionary or manifest");
            }
        }
        return this;
    }

    /** True for the journal-frame table (it has the journal index and event identity columns). */
    public boolean isJournalFrames()
    {
        return journalFrames;
    }

    /** The channel columns, in order. */
    public List<Channel> channels()
    {
        return channels;
    }

    /** The channel column of parameter {@code id}, or -1 if the table has none (e.g. a restricted channel). */
    public int columnOf(final int parameterId)
    {
        return columnOf[parameterId & 0xFFFF];
    }

    /** Restricted dictionary channels the table leaves out. */
    public int restrictedLeftOut()
    {
        return restrictedLeftOut;
    }

    /** Every column name, in order: identity columns, then channels. */
    public List<String> columnNames()
    {
        final List<String> names = new ArrayList<>(identityColumns());
        for (final Channel channel : channels)
        {
            names.add(channel.name());
        }
        return names;
    }

    List<String> identityColumns()
    {
        return journalFrames ?
            List.of(TIMESTAMP_US, SESSION_ID, SOURCE_ID, JOURNAL_INDEX, PLAYER_ID, SEQUENCE, LAP_NUMBER, SECTOR, FLAGS,
                EVENT_ID, EVENT_FRAME, EVENT_FRAMES) :
            List.of(TIMESTAMP_US, SESSION_ID, SOURCE_ID, PLAYER_ID, SEQUENCE, LAP_NUMBER, SECTOR, FLAGS);
    }

    /**
     * The Parquet schema: {@code timestamp_us} a UTC timestamp in microseconds, ids as strings, unsigned SBE fields
     * as unsigned integer types, optional where the frame may lack the value; each channel optional (null where
     * the frame has no sample of it) with the physical and logical type of its dictionary type.
     */
    public MessageType parquetSchema()
    {
        final Types.MessageTypeBuilder schema = Types.buildMessage();
        for (final String name : identityColumns())
        {
            schema.addField(identityType(name));
        }
        for (final Channel channel : channels)
        {
            schema.addField(channelType(channel));
        }
        return schema.named(journalFrames ? "frame" : "derived_frame");
    }

    private static Type identityType(final String name)
    {
        switch (name)
        {
            case TIMESTAMP_US:
                return Types.required(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
            case SESSION_ID:
            case PLAYER_ID:
                return Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
            case EVENT_ID:
                return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
            case SOURCE_ID:
                return Types.required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, false)).named(name);
            case JOURNAL_INDEX:
                return Types.required(PrimitiveTypeName.INT64).named(name);
            case SEQUENCE:
                return Types.required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.intType(64, false)).named(name);
            case LAP_NUMBER:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, false)).named(name);
            case SECTOR:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, false)).named(name);
            case FLAGS:
                return Types.required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, false)).named(name);
            case EVENT_FRAME:
            case EVENT_FRAMES:
                return Types.optional(PrimitiveTypeName.INT32).named(name);
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static Type channelType(final Channel channel)
    {
        final String name = channel.name();
        switch (channel.type())
        {
            case U8:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, false)).named(name);
            case U16:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, false)).named(name);
            case U32:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(32, false)).named(name);
            case I8:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named(name);
            case I16:
                return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true)).named(name);
            case I32:
                return Types.optional(PrimitiveTypeName.INT32).named(name);
            case I64:
                return Types.optional(PrimitiveTypeName.INT64).named(name);
            case F32:
                return Types.optional(PrimitiveTypeName.FLOAT).named(name);
            case F64:
                return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
            case BOOL:
                return Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
            default:
                throw new IllegalArgumentException("no column type for " + channel.type());
        }
    }
}
