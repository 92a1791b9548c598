package io.pitgun.engine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every {@link PipelineConfig} setting, described once: its YAML key, value type, default, unit, meaning and the
 * check its value must pass. The builder's defaults, the YAML reader's keys and parsing, {@link PipelineConfig#build
 * validation}, {@code toString}, the gateway's pass-through settings ({@code GatewaySetting}) and the table in
 * {@code docs/embedding.md} (checked by a test) all derive from this enum.
 */
public enum PipelineSetting
{
    CHANNEL_CAPACITY("channel_capacity", Type.INT, "4096", "slots",
        "ring slots, a power of two; the slots (max_frame_bytes and the manifest's derived channels size each) " +
            "are one allocation of at most 2 GiB, which bounds it (a refusal names the bound)"),
    MAX_SOURCES("max_sources", Type.INT, "64", "streams",
        "concurrent (session, source) streams with their own manifest state; one more ends the idlest if it is " +
            "idle (stream_idle_timeout), else its frames are dropped and counted"),
    STREAM_IDLE_TIMEOUT("stream_idle_timeout", Type.DURATION_US, "60s", "µs",
        "a stream is idle when a new stream's frame is this much newer (in timestamp_us) than its newest, or when a " +
            "new stream refused for this long by its own clock finds it sent nothing meanwhile: it ends, its " +
            "insights unwritten, when the new stream needs its place among max_sources"),
    ENABLE_MERGING("enable_merging", Type.BOOLEAN, "false", "",
        "merge every source's frames that fall in one merge_window (a manifest merge stage runs regardless, with its " +
            "own sources and window)"),
    MERGE_WINDOW("merge_window", Type.DURATION_US, "1ms", "µs",
        "the merge window: a duration such as 500us, 1ms or 2s, or an integer of microseconds"),
    VALIDATE_PARAMETERS("validate_parameters", Type.BOOLEAN, "true", "",
        "embedded writers: refuse unknown ids, values of another type and values outside the dictionary range"),
    WAIT_STRATEGY("wait_strategy", Type.WAIT_STRATEGY, "backoff", "",
        "how stage threads wait: backoff (spin, yield, then growing parks), sleeping, yielding, blocking or " +
            "busy_spin (cores of their own)"),
    PRODUCER("producer", Type.PRODUCER, "multi", "",
        "multi (any thread publishes) or single (one thread only; bindProducer() refuses the others)"),
    MAX_FRAME_BYTES("max_frame_bytes", Type.INT, "1024", "bytes",
        "the largest SBE frame (header included) a slot holds; bigger frames are refused"),
    ACK_MODE("ack_mode", Type.ACK_MODE, "journaled", "",
        "journaled (a frame is acknowledged once journaled; needs journal.directory) or accepted (once in the ring)"),
    JOURNAL_DIRECTORY("journal.directory", Type.PATH, "", "",
        "the journal's directory (relative to the YAML file); none for a pipeline without a journal (replays)"),
    JOURNAL_ROLL_CYCLE("journal.roll_cycle", Type.TEXT, "FAST_HOURLY", "",
        "a Chronicle Queue RollCycles name"),
    JOURNAL_THREAD("journal.thread", Type.JOURNAL_THREAD, "process", "",
        "who journals: process (the processing thread, before processing each batch), separate (a thread of its " +
            "own) or producer (the publishing thread inside each publish; needs producer: single)"),
    JOURNAL_PRETOUCH("journal.pretouch", Type.BOOLEAN, "true", "",
        "populate the queue file's pages ahead of the writer on a thread of its own"),
    JOURNAL_MIN_FREE_BYTES("journal.min_free_bytes", Type.LONG, "67108864", "bytes",
        "hold appends back while the journal's file system has less free (0: no check, and a full disk can then " +
            "make an acknowledged entry unreadable)"),
    OUTPUT_JSON_LINES("output.json_lines", Type.PATH, "", "",
        "a JSON-lines file of derived frames and insights (relative to the YAML file); none by default"),
    OUTPUT_DIGEST("output.digest", Type.BOOLEAN, "false", "",
        "compute the SHA-256 of the derived output stream"),
    SUBSCRIBER_BUFFER_BYTES("subscriber_buffer_bytes", Type.INT, "1048576", "bytes",
        "the broadcast buffer all subscribers of a stream share (a subscriber this far behind is dropped), a power of " +
            "two; raised to eight times max_frame_bytes if smaller"),
    OUTPUT_INCLUDE_RESTRICTED("output.include_restricted", Type.BOOLEAN, "false", "",
        "write restricted and internal channels (and what derives from them) to output.json_lines; by default " +
            "their values are left out of frames and insights, as for a subscriber without read_restricted"),
    OUTPUT_QUESTDB("output.questdb", Type.TEXT, "", "",
        "a QuestDB ILP client configuration (http::addr=host:9000;) to write frames and insights to, from the " +
            "journal, by a follower of its own (docs/storage.md); none by default"),
    OUTPUT_POSTGRES("output.postgres", Type.TEXT, "", "",
        "a PostgreSQL JDBC URL (jdbc:postgresql://host/db?user=u) to write runs, laps and insights to, from the " +
            "journal, by a follower of its own (docs/storage.md); none by default"),
    OUTPUT_PARQUET("output.parquet", Type.PATH, "", "",
        "a directory (relative to the YAML file) to write the journal's frames (runs/<session>/<hour>.parquet) and " +
            "the manifest's derived frames (derived/...) to as Parquet files, rotated, from the journal, by a follower " +
            "of its own (docs/storage.md); none by default");

    /** The smallest {@code max_frame_bytes}. */
    static final int SMALLEST_FRAME_BYTES = 128;
    /** The largest {@code max_frame_bytes}. */
    static final int LARGEST_FRAME_BYTES = 1 << 20;

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(us|ms|s)\\s*");
    private static final Pattern ROLL_CYCLE = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** The kinds of value a setting holds, each with its text form. */
    public enum Type
    {
        INT, LONG, BOOLEAN, DURATION_US, TEXT, PATH, WAIT_STRATEGY(WaitStrategyKind.class),
        PRODUCER(ProducerMode.class), ACK_MODE(AckMode.class),
        JOURNAL_THREAD(JournalThread.class);

        private final Class<? extends Enum<?>> enumType;

        Type()
        {
            this(null);
        }

        Type(final Class<? extends Enum<?>> enumType)
        {
            this.enumType = enumType;
        }

        /** The enum's constants for an enum-valued setting, else null. */
        Enum<?>[] constants()
        {
            return enumType == null ? null : enumType.getEnumConstants();
        }
    }

    private final String key;
    private final Type type;
    private final String defaultText;
    private final String unit;
    private final String description;

    PipelineSetting(final String key, final Type type, final String defaultText, final String unit,
        final String description)
    {
        this.key = key;
        this.type = type;
        this.defaultText = defaultText;
        this.unit = unit;
        this.description = description;
    }

    /** The YAML key, dotted inside a section, e.g. {@code journal.roll_cycle}. */
    public String key()
    {
        return key;
    }

    /** The value's type. */
    public Type type()
    {
        return type;
    }

    /** The default as text ({@code ""} for none). */
    public String defaultText()
    {
        return defaultText;
    }

    /** The unit of a number ({@code ""} for none). */
    public String unit()
    {
        return unit;
    }

    /** One line for docs and help. */
    public String description()
    {
        return description;
    }

    /** The default as a value ({@code null} for none). */
    public Object defaultValue()
    {
        return defaultText.isEmpty() ? null : parse(defaultText);
    }

    /**
     * Parses the text form (an environment variable, a flag, a default): integers may hold {@code _}, booleans are
     * {@code true/false/1/0/yes/no}, enums their lower-case names, durations {@code 500us}, {@code 1ms}, {@code 2s}.
     *
     * @throws IllegalArgumentException saying what is wrong, without the key.
     */
    public Object parse(final String text)
    {
        final String value = text.trim();
        switch (type)
        {
            case INT:
            case LONG:
                final long number;
                try
                {
                    number = Long.parseLong(value.replace("_", ""));
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("'" + value + "' is not a whole number");
                }
                if (type == Type.INT && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE))
                {
                    throw new IllegalArgumentException(number + " is too large");
                }
                return type == Type.INT ? (Object)(int)number : (Object)number;
            case BOOLEAN:
                switch (value.toLowerCase(Locale.ROOT))
                {
                    case "1":
                    case "true":
                    case "yes":
                        return true;
                    case "0":
                    case "false":
                    case "no":
                        return false;
                    default:
                        throw new IllegalArgumentException("'" + value + "' must be true or false");
                }
            case DURATION_US:
                return durationUs(value);
            case TEXT:
                if (value.isEmpty())
                {
                    throw new IllegalArgumentException("must be a non-empty string");
                }
                return value;
            case PATH:
                if (value.isEmpty())
                {
                    throw new IllegalArgumentException("must be a non-empty string");
                }
                return Path.of(value);
            default:
                return enumValue(value);
        }
    }

    /** The problem with {@code value} for this setting, or null if it is acceptable. */
    public String problem(final Object value)
    {
        switch (this)
        {
            case CHANNEL_CAPACITY:
                // Alone, the bound of the smallest slots; with the frames' size, PipelineConfig's check is tighter.
                return channelCapacityProblem((Integer)value, SMALLEST_FRAME_BYTES);
            case MAX_SOURCES:
                final int sources = (Integer)value;
                return sources < 1 || sources > 65_536 ? "must be between 1 and 65536, got " + sources : null;
            case STREAM_IDLE_TIMEOUT:
                final long idleUs = (Long)value;
                return idleUs < 1_000_000L || idleUs > 86_400_000_000L ?
                    "must be between 1s and 86400s (24 hours), got " + idleUs + "us" : null;
            case MERGE_WINDOW:
                final long windowUs = (Long)value;
                return windowUs < 1 || windowUs > 60_000_000L ?
                    "must be between 1us and 60s, got " + windowUs + "us" : null;
            case MAX_FRAME_BYTES:
                final int frameBytes = (Integer)value;
                return frameBytes < SMALLEST_FRAME_BYTES || frameBytes > LARGEST_FRAME_BYTES ?
                    "must be between " + SMALLEST_FRAME_BYTES + " and " + LARGEST_FRAME_BYTES + ", got " + frameBytes :
                    null;
            case JOURNAL_ROLL_CYCLE:
                return value == null || !ROLL_CYCLE.matcher((String)value).matches() ?
                    "must be a Chronicle Queue RollCycles name such as FAST_HOURLY or FAST_DAILY, got '" + value + "'" :
                    null;
            case JOURNAL_MIN_FREE_BYTES:
                return (Long)value < 0 ? "must not be negative, got " + value : null;
            case SUBSCRIBER_BUFFER_BYTES:
                final int bufferBytes = (Integer)value;
                return bufferBytes < 4096 || Integer.bitCount(bufferBytes) != 1 || bufferBytes > (1 << 30) ?
                    "must be a power of two between 4096 and 1073741824, got " + bufferBytes : null;
            case WAIT_STRATEGY:
            case PRODUCER:
            case ACK_MODE:
            case JOURNAL_THREAD:
                return value == null ? "must be given" : null;
            default:
                return null;
        }
    }

    /**
     * The problem with a {@code channel_capacity} of {@code slots} for frames of {@code maxFrameBytes}, or null: a
     * power of two whose ring fits its one allocation ({@link SlotDescriptor#largestCapacity()}, without derived
     * channels, which widen the slots a little). Before, the pipeline took such a value and its build failed.
     */
    public static String channelCapacityProblem(final int slots, final int maxFrameBytes)
    {
        final SlotDescriptor slot = new SlotDescriptor(maxFrameBytes, 0);
        final int largest = slot.largestCapacity();
        return slots < 2 || slots > largest || Integer.bitCount(slots) != 1 ?
            "must be a power of two between 2 and " + largest + " (the ring's slots of " + slot.slotBytes() +
                " bytes, for max_frame_bytes " + maxFrameBytes + ", must fit in 2 GiB), got " + slots : null;
    }

    /** The enum values' spellings, e.g. {@code backoff, sleeping, yielding, blocking, busy_spin}. */
    public String choices()
    {
        final StringBuilder choices = new StringBuilder();
        for (final Enum<?> constant : type.constants())
        {
            choices.append(choices.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        return choices.toString();
    }

    private Object enumValue(final String text)
    {
        for (final Enum<?> constant : type.constants())
        {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text))
            {
                return constant;
            }
        }
        throw new IllegalArgumentException("must be one of " + choices() + ", got '" + text + "'");
    }

    private static long durationUs(final String text)
    {
        final Matcher m = DURATION.matcher(text);
        final String form = "must be a duration such as 500us, 1ms or 2s (or an integer of microseconds), got ";
        // An amount too large for microseconds in a long is refused, not wrapped: before, 288230376151711754s
        // (2^58 + 10 seconds) overflowed to exactly 10s and passed every bound (and 99999999999999999999s was
        // refused with Long.parseLong's own "For input string").
        try
        {
            if (m.matches())
            {
                final long amount = Long.parseLong(m.group(1));
                switch (m.group(2))
                {
                    case "us":
                        return amount;
                    case "ms":
                        return Math.multiplyExact(amount, 1_000L);
                    default:
                        return Math.multiplyExact(amount, 1_000_000L);
                }
            }
            return Long.parseLong(text);
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException(form + text + ", which is too large");
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(form + text + (m.matches() ? ", which is too large" : ""));
        }
    }

    /** This setting's value in {@code config}. */
    Object get(final PipelineConfig config)
    {
        switch (this)
        {
            case CHANNEL_CAPACITY: return config.channelCapacity();
            case MAX_SOURCES: return config.maxSources();
            case ENABLE_MERGING: return config.enableMerging();
            case STREAM_IDLE_TIMEOUT: return config.streamIdleTimeoutUs();
            case MERGE_WINDOW: return config.mergeWindowUs();
            case VALIDATE_PARAMETERS: return config.validateParameters();
            case WAIT_STRATEGY: return config.waitStrategy();
            case PRODUCER: return config.producerMode();
            case MAX_FRAME_BYTES: return config.maxFrameBytes();
            case ACK_MODE: return config.ackMode();
            case JOURNAL_DIRECTORY: return config.journalDirectory().orElse(null);
            case JOURNAL_ROLL_CYCLE: return config.rollCycle();
            case JOURNAL_THREAD: return config.journalThread();
            case JOURNAL_PRETOUCH: return config.journalPretouch();
            case JOURNAL_MIN_FREE_BYTES: return config.journalMinFreeBytes();
            case OUTPUT_JSON_LINES: return config.jsonLinesFile().orElse(null);
            case OUTPUT_DIGEST: return config.outputDigest();
            case OUTPUT_INCLUDE_RESTRICTED: return config.outputIncludeRestricted();
            case OUTPUT_QUESTDB: return config.questDb().orElse(null);
            case OUTPUT_POSTGRES: return config.postgresUrl().orElse(null);
            case OUTPUT_PARQUET: return config.parquetDirectory().orElse(null);
            default: return config.subscriberBufferBytes();
        }
    }

    /** Sets this setting's {@code value} (of its type) on {@code builder}. */
    void set(final PipelineConfig.Builder builder, final Object value)
    {
        switch (this)
        {
            case CHANNEL_CAPACITY: builder.channelCapacity((Integer)value); break;
            case MAX_SOURCES: builder.maxSources((Integer)value); break;
            case ENABLE_MERGING: builder.enableMerging((Boolean)value); break;
            case STREAM_IDLE_TIMEOUT: builder.streamIdleTimeoutUs((Long)value); break;
            case MERGE_WINDOW: builder.mergeWindowUs((Long)value); break;
            case VALIDATE_PARAMETERS: builder.validateParameters((Boolean)value); break;
            case WAIT_STRATEGY: builder.waitStrategy((WaitStrategyKind)value); break;
            case PRODUCER: builder.producerMode((ProducerMode)value); break;
            case MAX_FRAME_BYTES: builder.maxFrameBytes((Integer)value); break;
            case ACK_MODE: builder.ackMode((AckMode)value); break;
            case JOURNAL_DIRECTORY: builder.journalDirectory((Path)value); break;
            case JOURNAL_ROLL_CYCLE: builder.rollCycle((String)value); break;
            case JOURNAL_THREAD: builder.journalThread((JournalThread)value); break;
            case JOURNAL_PRETOUCH: builder.journalPretouch((Boolean)value); break;
            case JOURNAL_MIN_FREE_BYTES: builder.journalMinFreeBytes((Long)value); break;
            case OUTPUT_JSON_LINES: builder.jsonLinesFile((Path)value); break;
            case OUTPUT_DIGEST: builder.outputDigest((Boolean)value); break;
            case OUTPUT_INCLUDE_RESTRICTED: builder.outputIncludeRestricted((Boolean)value); break;
            case OUTPUT_QUESTDB: builder.questDb((String)value); break;
            case OUTPUT_POSTGRES: builder.postgresUrl((String)value); break;
            case OUTPUT_PARQUET: builder.parquetDirectory((Path)value); break;
            default: builder.subscriberBufferBytes((Integer)value); break;
        }
    }
}
