package io.pitgun.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.TextLocation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a {@link TelemetryPipeline} needs besides its dictionary and manifest. Immutable; build it with
 * {@link #builder()} or read the same keys from YAML with {@link #fromYaml(Path)}:
 *
 * <pre>{@code
 * channel_capacity: 4096        # ring slots, a power of two
 * max_sources: 16               # concurrent (session, source) streams with their own manifest state
 * enable_merging: false         # merge every source's frames that fall in one window (a manifest merge stage
 * merge_window: 1ms             #   runs regardless, with its own sources and window)
 * validate_parameters: true     # embedded writers: refuse unknown ids and values outside the dictionary range
 * wait_strategy: sleeping       # sleeping | yielding | blocking | busy_spin
 * producer: multi               # multi | single
 * max_frame_bytes: 1024         # the largest SBE frame a slot holds; bigger frames are refused
 * ack_mode: journaled           # journaled | accepted
 * journal:
 *   directory: data/journal     # omit for a pipeline without a journal (replays)
 *   roll_cycle: FAST_HOURLY
 *   separate_thread: false      # journal on its own thread (true) or on the processing thread (false)
 *   pretouch: true              # populate the queue file's pages ahead of the writer on a thread of its own
 *   min_free_bytes: 67108864    # hold appends back while the journal's file system has less free (0: no check)
 * output:
 *   json_lines: out/derived.jsonl  # optional JSON-lines file of derived frames and insights
 *   digest: true                 # SHA-256 of the derived output stream
 * subscriber_buffer_bytes: 1048576
 * }</pre>
 */
public final class PipelineConfig
{
    /** Default {@code channel_capacity}: ring slots. */
    public static final int DEFAULT_CHANNEL_CAPACITY = 4096;
    /** Default {@code max_sources}. */
    public static final int DEFAULT_MAX_SOURCES = 16;
    /** Default {@code merge_window}: 1 ms. */
    public static final long DEFAULT_MERGE_WINDOW_US = 1_000;
    /** Default {@code max_frame_bytes}: room for 78 samples. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024;
    /** Default {@code journal.roll_cycle}. */
    public static final String DEFAULT_ROLL_CYCLE = "FAST_HOURLY";
    /** Default {@code subscriber_buffer_bytes}: per-subscriber queue (a power of two). */
    public static final int DEFAULT_SUBSCRIBER_BUFFER_BYTES = 1 << 20;

    static final int MAX_CHANNEL_CAPACITY = 1 << 24;
    static final int MIN_FRAME_BYTES = 128;
    static final int MAX_FRAME_BYTES = 1 << 20;

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("channel_capacity", "max_sources", "enable_merging",
        "merge_window", "validate_parameters", "wait_strategy", "producer", "max_frame_bytes", "ack_mode", "journal",
        "output", "subscriber_buffer_bytes");
    private static final Set<String> JOURNAL_KEYS = Set.of("directory", "roll_cycle", "separate_thread", "pretouch",
        "min_free_bytes");
    private static final Set<String> OUTPUT_KEYS = Set.of("json_lines", "digest");
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(us|ms|s)\\s*");
    private static final Pattern ROLL_CYCLE = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final int channelCapacity;
    private final int maxSources;
    private final boolean enableMerging;
    private final long mergeWindowUs;
    private final boolean validateParameters;
    private final WaitStrategyKind waitStrategy;
    private final ProducerMode producerMode;
    private final int maxFrameBytes;
    private final AckMode ackMode;
    private final Path journalDirectory;
    private final String rollCycle;
    private final boolean separateJournalThread;
    private final boolean journalPretouch;
    private final long journalMinFreeBytes;
    private final Path jsonLinesFile;
    private final boolean outputDigest;
    private final int subscriberBufferBytes;

    private PipelineConfig(final Builder builder)
    {
        channelCapacity = builder.channelCapacity;
        maxSources = builder.maxSources;
        enableMerging = builder.enableMerging;
        mergeWindowUs = builder.mergeWindowUs;
        validateParameters = builder.validateParameters;
        waitStrategy = builder.waitStrategy;
        producerMode = builder.producerMode;
        maxFrameBytes = builder.maxFrameBytes;
        ackMode = builder.ackMode;
        journalDirectory = builder.journalDirectory;
        rollCycle = builder.rollCycle;
        separateJournalThread = builder.separateJournalThread;
        journalPretouch = builder.journalPretouch;
        journalMinFreeBytes = builder.journalMinFreeBytes;
        jsonLinesFile = builder.jsonLinesFile;
        outputDigest = builder.outputDigest;
        subscriberBufferBytes = builder.subscriberBufferBytes;
    }

    /** A builder holding the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** The defaults, without a journal (so with {@link AckMode#ACCEPTED}). */
    public static PipelineConfig defaults()
    {
        return builder().ackMode(AckMode.ACCEPTED).build();
    }

    /** A builder starting from this configuration's values. */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.channelCapacity = channelCapacity;
        b.maxSources = maxSources;
        b.enableMerging = enableMerging;
        b.mergeWindowUs = mergeWindowUs;
        b.validateParameters = validateParameters;
        b.waitStrategy = waitStrategy;
        b.producerMode = producerMode;
        b.maxFrameBytes = maxFrameBytes;
        b.ackMode = ackMode;
        b.journalDirectory = journalDirectory;
        b.rollCycle = rollCycle;
        b.separateJournalThread = separateJournalThread;
        b.journalPretouch = journalPretouch;
        b.journalMinFreeBytes = journalMinFreeBytes;
        b.jsonLinesFile = jsonLinesFile;
        b.outputDigest = outputDigest;
        b.subscriberBufferBytes = subscriberBufferBytes;
        return b;
    }

    /** {@code channel_capacity}: number of ring slots, a power of two. */
    public int channelCapacity()
    {
        return channelCapacity;
    }

    /** {@code max_sources}: concurrent (session, source) streams; frames of one more are dropped and counted. */
    public int maxSources()
    {
        return maxSources;
    }

    /** {@code enable_merging}: merge the frames of all sources of a session that fall in one window. */
    public boolean enableMerging()
    {
        return enableMerging;
    }

    /** {@code merge_window} in microseconds. */
    public long mergeWindowUs()
    {
        return mergeWindowUs;
    }

    /** {@code validate_parameters}: embedded writers check ids and ranges against the dictionary. */
    public boolean validateParameters()
    {
        return validateParameters;
    }

    /** {@code wait_strategy}. */
    public WaitStrategyKind waitStrategy()
    {
        return waitStrategy;
    }

    /** {@code producer}. */
    public ProducerMode producerMode()
    {
        return producerMode;
    }

    /** {@code max_frame_bytes}: the largest SBE message (header included) a slot holds. */
    public int maxFrameBytes()
    {
        return maxFrameBytes;
    }

    /** {@code ack_mode}. */
    public AckMode ackMode()
    {
        return ackMode;
    }

    /** {@code journal.directory}, or empty for a pipeline without a journal. */
    public Optional<Path> journalDirectory()
    {
        return Optional.ofNullable(journalDirectory);
    }

    /** {@code journal.roll_cycle}: a Chronicle Queue {@code RollCycles} name. */
    public String rollCycle()
    {
        return rollCycle;
    }

    /**
     * {@code journal.separate_thread}: the journal stage runs on its own thread, ahead of the processing thread
     * (true), or both run on one consumer thread that journals each batch, then processes it (false, the default: on
     * the 2-core reference machine the two layouts trade places from run to run, and one busy consumer thread leaves
     * a core to the producers or the gateway's event loops; see {@code docs/performance.md}, "Engine"). With more
     * cores, a separate thread overlaps journaling with processing.
     */
    public boolean separateJournalThread()
    {
        return separateJournalThread;
    }

    /**
     * {@code journal.pretouch}: a thread of the pipeline's own keeps the journal file's pages ahead of the writer
     * populated ({@code io.pitgun.journal.JournalPretouchAgent}), so that page faults are not taken on the journaling
     * thread (default true; on the reference machine they were half of that thread's time). It is idle when nothing
     * is appended, and turns itself off where the kernel lacks {@code MADV_POPULATE_WRITE}.
     */
    public boolean journalPretouch()
    {
        return journalPretouch;
    }

    /**
     * {@code journal.min_free_bytes}: free-space headroom on the journal's file system. While less is free the
     * journal stage holds appends back (nothing is dropped or acknowledged) and resumes once space returns
     * ({@code io.pitgun.journal.JournalSpaceGuard}); 0 turns the check off. Default 64 MiB.
     */
    public long journalMinFreeBytes()
    {
        return journalMinFreeBytes;
    }

    /** {@code output.json_lines}, or empty. */
    public Optional<Path> jsonLinesFile()
    {
        return Optional.ofNullable(jsonLinesFile);
    }

    /** {@code output.digest}: compute the SHA-256 of the derived output stream. */
    public boolean outputDigest()
    {
        return outputDigest;
    }

    /**
     * {@code subscriber_buffer_bytes}: the broadcast buffer all subscribers of a stream share (a subscriber this far
     * behind is dropped), a power of two; raised to eight times {@code max_frame_bytes} if smaller.
     */
    public int subscriberBufferBytes()
    {
        return subscriberBufferBytes;
    }

    @Override
    public String toString()
    {
        return "channel_capacity=" + channelCapacity + ", max_sources=" + maxSources + ", enable_merging=" +
            enableMerging + ", merge_window=" + mergeWindowUs + "us, validate_parameters=" + validateParameters +
            ", wait_strategy=" + waitStrategy.symbol() + ", producer=" + producerMode.symbol() +
            ", max_frame_bytes=" + maxFrameBytes + ", ack_mode=" + ackMode.symbol() + ", journal.directory=" +
            journalDirectory + ", journal.roll_cycle=" + rollCycle + ", journal.separate_thread=" +
            separateJournalThread + ", journal.pretouch=" + journalPretouch +
            ", journal.min_free_bytes=" + journalMinFreeBytes + ", output.json_lines=" + jsonLinesFile +
            ", output.digest=" + outputDigest + ", subscriber_buffer_bytes=" + subscriberBufferBytes;
    }

    /** Reads a YAML (or JSON) configuration file; every key is optional. */
    public static PipelineConfig fromYaml(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new PipelineConfigException("", file + ": cannot read the pipeline configuration: " + ex.getMessage());
        }
        return parseYaml(file, text);
    }

    /** Parses configuration text; {@code sourceName} is used in messages. */
    public static PipelineConfig parseYaml(final Path sourceName, final String text)
    {
        final ParsedDocument document;
        try
        {
            document = DocumentReader.parse(sourceName, text, DocumentFormat.YAML);
        }
        catch (final DocumentException ex)
        {
            throw new PipelineConfigException("", ex.getMessage());
        }
        return new YamlReader(document).read();
    }

    /** Collects values; {@link #build()} checks them all. */
    public static final class Builder
    {
        private int channelCapacity = DEFAULT_CHANNEL_CAPACITY;
        private int maxSources = DEFAULT_MAX_SOURCES;
        private boolean enableMerging;
        private long mergeWindowUs = DEFAULT_MERGE_WINDOW_US;
        private boolean validateParameters = true;
        private WaitStrategyKind waitStrategy = WaitStrategyKind.SLEEPING;
        private ProducerMode producerMode = ProducerMode.MULTI;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private AckMode ackMode = AckMode.JOURNALED;
        private Path journalDirectory;
        private String rollCycle = DEFAULT_ROLL_CYCLE;
        private boolean separateJournalThread;
        private boolean journalPretouch = true;
        private long journalMinFreeBytes = JournalSpaceGuard.DEFAULT_MIN_FREE_BYTES;
        private Path jsonLinesFile;
        private boolean outputDigest;
        private int subscriberBufferBytes = DEFAULT_SUBSCRIBER_BUFFER_BYTES;

        private Builder()
        {
        }

        /** {@code channel_capacity}: ring slots, a power of two (default 4096). */
        public Builder channelCapacity(final int slots)
        {
            this.channelCapacity = slots;
            return this;
        }

        /** {@code max_sources} (default 16). */
        public Builder maxSources(final int maxSources)
        {
            this.maxSources = maxSources;
            return this;
        }

        /** {@code enable_merging} with {@code merge_window} in microseconds. */
        public Builder merging(final boolean enabled, final long windowUs)
        {
            this.enableMerging = enabled;
            this.mergeWindowUs = windowUs;
            return this;
        }

        /** {@code validate_parameters} (default true). */
        public Builder validateParameters(final boolean validate)
        {
            this.validateParameters = validate;
            return this;
        }

        /** {@code wait_strategy} (default {@link WaitStrategyKind#SLEEPING}). */
        public Builder waitStrategy(final WaitStrategyKind kind)
        {
            this.waitStrategy = kind;
            return this;
        }

        /** {@code producer} (default {@link ProducerMode#MULTI}). */
        public Builder producerMode(final ProducerMode mode)
        {
            this.producerMode = mode;
            return this;
        }

        /** {@code max_frame_bytes} (default 1024). */
        public Builder maxFrameBytes(final int bytes)
        {
            this.maxFrameBytes = bytes;
            return this;
        }

        /** {@code ack_mode} (default {@link AckMode#JOURNALED}, which needs a journal directory). */
        public Builder ackMode(final AckMode mode)
        {
            this.ackMode = mode;
            return this;
        }

        /** {@code journal.directory}; null for no journal. */
        public Builder journalDirectory(final Path directory)
        {
            this.journalDirectory = directory;
            return this;
        }

        /** {@code journal.roll_cycle} (default {@code FAST_HOURLY}). */
        public Builder rollCycle(final String rollCycle)
        {
            this.rollCycle = rollCycle;
            return this;
        }

        /** {@code journal.separate_thread} (default false: journal and processing share one thread). */
        public Builder separateJournalThread(final boolean separate)
        {
            this.separateJournalThread = separate;
            return this;
        }

        /** {@code journal.pretouch} (default true). */
        public Builder journalPretouch(final boolean pretouch)
        {
            this.journalPretouch = pretouch;
            return this;
        }

        /** {@code journal.min_free_bytes} (default 64 MiB; 0: no check). */
        public Builder journalMinFreeBytes(final long bytes)
        {
            if (bytes < 0)
            {
                throw new PipelineConfigException("journal.min_free_bytes", "journal.min_free_bytes: must not be " +
                    "negative, got " + bytes);
            }
            this.journalMinFreeBytes = bytes;
            return this;
        }

        /** {@code output.json_lines}; null for none. */
        public Builder jsonLinesFile(final Path file)
        {
            this.jsonLinesFile = file;
            return this;
        }

        /** {@code output.digest} (default false). */
        public Builder outputDigest(final boolean digest)
        {
            this.outputDigest = digest;
            return this;
        }

        /** {@code subscriber_buffer_bytes} (default 1 MiB). */
        public Builder subscriberBufferBytes(final int bytes)
        {
            this.subscriberBufferBytes = bytes;
            return this;
        }

        /** Checks every value. @throws PipelineConfigException naming the first bad key. */
        public PipelineConfig build()
        {
            if (channelCapacity < 2 || channelCapacity > MAX_CHANNEL_CAPACITY || Integer.bitCount(channelCapacity) != 1)
            {
                throw bad("channel_capacity", "must be a power of two between 2 and " + MAX_CHANNEL_CAPACITY +
                    ", got " + channelCapacity);
            }
            if (maxSources < 1 || maxSources > 65_536)
            {
                throw bad("max_sources", "must be between 1 and 65536, got " + maxSources);
            }
            if (mergeWindowUs < 1 || mergeWindowUs > 60_000_000L)
            {
                throw bad("merge_window", "must be between 1us and 60s, got " + mergeWindowUs + "us");
            }
            if (waitStrategy == null)
            {
                throw bad("wait_strategy", "must be given");
            }
            if (producerMode == null)
            {
                throw bad("producer", "must be given");
            }
            if (maxFrameBytes < MIN_FRAME_BYTES || maxFrameBytes > MAX_FRAME_BYTES)
            {
                throw bad("max_frame_bytes", "must be between " + MIN_FRAME_BYTES + " and " + MAX_FRAME_BYTES +
                    ", got " + maxFrameBytes);
            }
            if (ackMode == null)
            {
                throw bad("ack_mode", "must be given");
            }
            if (ackMode == AckMode.JOURNALED && journalDirectory == null)
            {
                throw bad("ack_mode", "'journaled' needs journal.directory; use 'accepted' for a pipeline " +
                    "without a journal");
            }
            if (rollCycle == null || !ROLL_CYCLE.matcher(rollCycle).matches())
            {
                throw bad("journal.roll_cycle", "must be a Chronicle Queue RollCycles name such as FAST_HOURLY " +
                    "or FAST_DAILY, got '" + rollCycle + "'");
            }
            if (subscriberBufferBytes < 4096 || Integer.bitCount(subscriberBufferBytes) != 1 ||
                subscriberBufferBytes > (1 << 30))
            {
                throw bad("subscriber_buffer_bytes", "must be a power of two between 4096 and 1073741824, got " +
                    subscriberBufferBytes);
            }
            return new PipelineConfig(this);
        }

        private static PipelineConfigException bad(final String key, final String problem)
        {
            return new PipelineConfigException(key, key + ": " + problem);
        }
    }

    /** Maps a parsed YAML tree onto a builder, with errors at the key's line and column. */
    private static final class YamlReader
    {
        private final ParsedDocument document;
        private final Builder builder = builder();

        YamlReader(final ParsedDocument document)
        {
            this.document = document;
        }

        PipelineConfig read()
        {
            final JsonNode root = document.root();
            if (root == null || root.isNull() || root.isMissingNode())
            {
                return build();
            }
            requireObject(root, "", "the configuration");
            checkKeys(root, "", TOP_LEVEL_KEYS);
            final JsonNode capacity = root.get("channel_capacity");
            if (capacity != null)
            {
                builder.channelCapacity(intValue(capacity, "channel_capacity"));
            }
            final JsonNode maxSources = root.get("max_sources");
            if (maxSources != null)
            {
                builder.maxSources(intValue(maxSources, "max_sources"));
            }
            final JsonNode merging = root.get("enable_merging");
            if (merging != null)
            {
                builder.enableMerging = booleanValue(merging, "enable_merging");
            }
            final JsonNode window = root.get("merge_window");
            if (window != null)
            {
                builder.mergeWindowUs = durationUs(window, "merge_window");
            }
            final JsonNode validate = root.get("validate_parameters");
            if (validate != null)
            {
                builder.validateParameters(booleanValue(validate, "validate_parameters"));
            }
            final JsonNode wait = root.get("wait_strategy");
            if (wait != null)
            {
                builder.waitStrategy(enumValue(wait, "wait_strategy", WaitStrategyKind.class));
            }
            final JsonNode producer = root.get("producer");
            if (producer != null)
            {
                builder.producerMode(enumValue(producer, "producer", ProducerMode.class));
            }
            final JsonNode frameBytes = root.get("max_frame_bytes");
            if (frameBytes != null)
            {
                builder.maxFrameBytes(intValue(frameBytes, "max_frame_bytes"));
            }
            final JsonNode ack = root.get("ack_mode");
            if (ack != null)
            {
                builder.ackMode(enumValue(ack, "ack_mode", AckMode.class));
            }
            else
            {
                builder.ackMode(root.has("journal") ? AckMode.JOURNALED : AckMode.ACCEPTED);
            }
            final JsonNode journal = root.get("journal");
            if (journal != null)
            {
                requireObject(journal, "journal", "journal");
                checkKeys(journal, "journal", JOURNAL_KEYS);
                final JsonNode directory = journal.get("directory");
                if (directory != null)
                {
                    builder.journalDirectory(resolve(textValue(directory, "journal.directory")));
                }
                final JsonNode rollCycle = journal.get("roll_cycle");
                if (rollCycle != null)
                {
                    builder.rollCycle(textValue(rollCycle, "journal.roll_cycle"));
                }
                final JsonNode separate = journal.get("separate_thread");
                if (separate != null)
                {
                    builder.separateJournalThread(booleanValue(separate, "journal.separate_thread"));
                }
                final JsonNode pretouch = journal.get("pretouch");
                if (pretouch != null)
                {
                    builder.journalPretouch(booleanValue(pretouch, "journal.pretouch"));
                }
                final JsonNode minFree = journal.get("min_free_bytes");
                if (minFree != null)
                {
                    if (!minFree.isIntegralNumber() || !minFree.canConvertToLong() || minFree.longValue() < 0)
                    {
                        throw error("journal.min_free_bytes", "must be a byte count of 0 or more, got " + minFree);
                    }
                    builder.journalMinFreeBytes(minFree.longValue());
                }
            }
            final JsonNode output = root.get("output");
            if (output != null)
            {
                requireObject(output, "output", "output");
                checkKeys(output, "output", OUTPUT_KEYS);
                final JsonNode jsonLines = output.get("json_lines");
                if (jsonLines != null)
                {
                    builder.jsonLinesFile(resolve(textValue(jsonLines, "output.json_lines")));
                }
                final JsonNode digest = output.get("digest");
                if (digest != null)
                {
                    builder.outputDigest(booleanValue(digest, "output.digest"));
                }
            }
            final JsonNode subscriberBytes = root.get("subscriber_buffer_bytes");
            if (subscriberBytes != null)
            {
                builder.subscriberBufferBytes(intValue(subscriberBytes, "subscriber_buffer_bytes"));
            }
            return build();
        }

        private PipelineConfig build()
        {
            try
            {
                return builder.build();
            }
            catch (final PipelineConfigException ex)
            {
                throw new PipelineConfigException(ex.key(), where(ex.key()) + ex.getMessage());
            }
        }

        private Path resolve(final String path)
        {
            final Path p = Path.of(path);
            final Path parent = document.path() == null ? null : document.path().toAbsolutePath().getParent();
            return p.isAbsolute() || parent == null ? p : parent.resolve(p).normalize();
        }

        private void checkKeys(final JsonNode object, final String prefix, final Set<String> allowed)
        {
            final Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
            while (fields.hasNext())
            {
                final String name = fields.next().getKey();
                if (!allowed.contains(name))
                {
                    final String key = prefix.isEmpty() ? name : prefix + "." + name;
                    throw error(key, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
                }
            }
        }

        private void requireObject(final JsonNode node, final String key, final String what)
        {
            if (!node.isObject())
            {
                throw error(key, what + " must be a mapping of keys to values");
            }
        }

        private int intValue(final JsonNode node, final String key)
        {
            if (!node.isIntegralNumber() || !node.canConvertToInt())
            {
                throw error(key, "must be an integer, got " + node);
            }
            return node.intValue();
        }

        private boolean booleanValue(final JsonNode node, final String key)
        {
            if (!node.isBoolean())
            {
                throw error(key, "must be true or false, got " + node);
            }
            return node.booleanValue();
        }

        private String textValue(final JsonNode node, final String key)
        {
            if (!node.isTextual() || node.textValue().isBlank())
            {
                throw error(key, "must be a non-empty string, got " + node);
            }
            return node.textValue();
        }

        private <E extends Enum<E>> E enumValue(final JsonNode node, final String key, final Class<E> type)
        {
            final String text = textValue(node, key);
            for (final E constant : type.getEnumConstants())
            {
                if (constant.name().toLowerCase(Locale.ROOT).equals(text))
                {
                    return constant;
                }
            }
            final StringBuilder expected = new StringBuilder();
            for (final E constant : type.getEnumConstants())
            {
                expected.append(expected.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw error(key, "must be one of " + expected + ", got '" + text + "'");
        }

        private long durationUs(final JsonNode node, final String key)
        {
            if (node.isIntegralNumber() && node.canConvertToLong())
            {
                return node.longValue();
            }
            if (node.isTextual())
            {
                final Matcher m = DURATION.matcher(node.textValue());
                if (m.matches())
                {
                    final long amount = Long.parseLong(m.group(1));
                    switch (m.group(2))
                    {
                        case "us":
                            return amount;
                        case "ms":
                            return amount * 1_000;
                        default:
                            return amount * 1_000_000;
                    }
                }
            }
            throw error(key, "must be a duration such as 500us, 1ms or 2s (or an integer of microseconds), got " +
                node);
        }

        private PipelineConfigException error(final String key, final String problem)
        {
            return new PipelineConfigException(key, where(key) + key + ": " + problem);
        }

        private String where(final String key)
        {
            final String pointer = key.isEmpty() ? "" : "/" + key.replace('.', '/');
            final TextLocation location = document.locateNearest(pointer);
            final String source = document.path() == null ? "" : document.path().toString();
            return location == null ? source + ": " : source + ":" + location.line() + ":" + location.column() + ": ";
        }
    }
}
