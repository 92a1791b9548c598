package io.pitgun.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything a {@link TelemetryPipeline} needs besides its dictionary and manifest. Immutable; build it with
 * {@link #builder()} or read the same keys from YAML with {@link #fromYaml(Path)}. Each setting is described once, by
 * a {@link PipelineSetting} (key, default, unit, meaning, check); builder defaults, YAML keys, validation and
 * {@code toString} derive from it, and {@code docs/embedding.md} lists them. In YAML, {@code journal.*} and
 * {@code output.*} are sections:
 *
 * <pre>{@code
 * channel_capacity: 4096
 * journal:
 *   directory: data/journal     # omit for a pipeline without a journal (replays)
 * output:
 *   digest: true
 * }</pre>
 */
public final class PipelineConfig
{
    /** Default {@code channel_capacity}: ring slots. */
    public static final int DEFAULT_CHANNEL_CAPACITY = (Integer)PipelineSetting.CHANNEL_CAPACITY.defaultValue();
    /** Default {@code max_sources}. */
    public static final int DEFAULT_MAX_SOURCES = (Integer)PipelineSetting.MAX_SOURCES.defaultValue();
    /** Default {@code stream_idle_timeout}: 60 s. */
    public static final long DEFAULT_STREAM_IDLE_TIMEOUT_US =
        (Long)PipelineSetting.STREAM_IDLE_TIMEOUT.defaultValue();
    /** Default {@code merge_window}: 1 ms. */
    public static final long DEFAULT_MERGE_WINDOW_US = (Long)PipelineSetting.MERGE_WINDOW.defaultValue();
    /** Default {@code max_frame_bytes}: room for 78 samples. */
    public static final int DEFAULT_MAX_FRAME_BYTES = (Integer)PipelineSetting.MAX_FRAME_BYTES.defaultValue();
    /** Default {@code journal.roll_cycle}. */
    public static final String DEFAULT_ROLL_CYCLE = (String)PipelineSetting.JOURNAL_ROLL_CYCLE.defaultValue();
    /** Default {@code subscriber_buffer_bytes}: per-subscriber queue (a power of two). */
    public static final int DEFAULT_SUBSCRIBER_BUFFER_BYTES =
        (Integer)PipelineSetting.SUBSCRIBER_BUFFER_BYTES.defaultValue();

    private final int channelCapacity;
    private final int maxSources;
    private final long streamIdleTimeoutUs;
    private final boolean enableMerging;
    private final long mergeWindowUs;
    private final boolean validateParameters;
    private final WaitStrategyKind waitStrategy;
    private final ProducerMode producerMode;
    private final int maxFrameBytes;
    private final AckMode ackMode;
    private final Path journalDirectory;
    private final String rollCycle;
    private final JournalThread journalThread;
    private final boolean journalPretouch;
    private final long journalMinFreeBytes;
    private final Path jsonLinesFile;
    private final boolean outputDigest;
    private final boolean outputIncludeRestricted;
    private final int subscriberBufferBytes;
    private final String questDb;
    private final String postgresUrl;
    private final Path parquetDirectory;

    private PipelineConfig(final Builder builder)
    {
        channelCapacity = builder.channelCapacity;
        maxSources = builder.maxSources;
        streamIdleTimeoutUs = builder.streamIdleTimeoutUs;
        enableMerging = builder.enableMerging;
        mergeWindowUs = builder.mergeWindowUs;
        validateParameters = builder.validateParameters;
        waitStrategy = builder.waitStrategy;
        producerMode = builder.producerMode;
        maxFrameBytes = builder.maxFrameBytes;
        ackMode = builder.ackMode;
        journalDirectory = builder.journalDirectory;
        rollCycle = builder.rollCycle;
        journalThread = builder.journalThread;
        journalPretouch = builder.journalPretouch;
        journalMinFreeBytes = builder.journalMinFreeBytes;
        jsonLinesFile = builder.jsonLinesFile;
        outputDigest = builder.outputDigest;
        outputIncludeRestricted = builder.outputIncludeRestricted;
        subscriberBufferBytes = builder.subscriberBufferBytes;
        questDb = builder.questDb;
        postgresUrl = builder.postgresUrl;
        parquetDirectory = builder.parquetDirectory;
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
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            setting.set(b, setting.get(this));
        }
        return b;
    }

    /** {@code channel_capacity}: number of ring slots, a power of two. */
    public int channelCapacity()
    {
        return channelCapacity;
    }

    /**
     * {@code max_sources}: concurrent (session, source) streams; one more ends the idlest stream if it is idle
     * ({@link #streamIdleTimeoutUs()}), else its frames are dropped and counted.
     */
    public int maxSources()
    {
        return maxSources;
    }

    /**
     * {@code stream_idle_timeout} in microseconds of the frames' own time: a stream is idle when a new stream's frame
     * is this much newer than its newest, or when a new stream refused for this long by its own clock finds it sent
     * nothing meanwhile; an idle stream ends when a new stream needs its place (see {@code StreamClock}).
     */
    public long streamIdleTimeoutUs()
    {
        return streamIdleTimeoutUs;
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

    /** {@code journal.thread}: which thread journals published frames ({@link JournalThread} says what each costs). */
    public JournalThread journalThread()
    {
        return journalThread;
    }

    /** {@code journal.pretouch} ({@code io.pitgun.journal.JournalPretouchAgent}): page faults off the journaling thread
     *  (on the reference machine half its time); idle when nothing is appended, off without MADV_POPULATE_WRITE. */
    public boolean journalPretouch()
    {
        return journalPretouch;
    }

    /** {@code journal.min_free_bytes} ({@code io.pitgun.journal.JournalSpaceGuard}): below it appends are held back
     *  (nothing dropped or acknowledged) until space returns; 0 turns the check off. */
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
     * {@code output.include_restricted}: write restricted and internal channels (and channels derived from them) to
     * {@code output.json_lines}; when false they are left out of its frames and insights.
     */
    public boolean outputIncludeRestricted()
    {
        return outputIncludeRestricted;
    }

    /**
     * {@code subscriber_buffer_bytes}: the broadcast buffer all subscribers of a stream share (a subscriber this far
     * behind is dropped), a power of two; raised to eight times {@code max_frame_bytes} if smaller.
     */
    public int subscriberBufferBytes()
    {
        return subscriberBufferBytes;
    }

    /** {@code output.questdb}: the QuestDB ILP client configuration of the QuestDB sink, or empty. */
    public Optional<String> questDb()
    {
        return Optional.ofNullable(questDb);
    }

    /** {@code output.postgres}: the JDBC URL of the PostgreSQL sink, or empty. */
    public Optional<String> postgresUrl()
    {
        return Optional.ofNullable(postgresUrl);
    }

    /** {@code output.parquet}: the directory of the live Parquet sink, or empty. */
    public Optional<Path> parquetDirectory()
    {
        return Optional.ofNullable(parquetDirectory);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            final Object value = setting == PipelineSetting.OUTPUT_QUESTDB || setting == PipelineSetting.OUTPUT_POSTGRES ?
                withoutSecrets((String)setting.get(this)) : setting.get(this);
            sb.append(sb.length() == 0 ? "" : ", ").append(setting.key()).append('=')
                .append(value instanceof Enum ? ((Enum<?>)value).name().toLowerCase(Locale.ROOT) : value)
                .append(setting.type() == PipelineSetting.Type.DURATION_US ? "us" : "");
        }
        return sb.toString();
    }

    /** A database setting as it may be logged: a JDBC URL without its query, an ILP string without password/token. */
    private static String withoutSecrets(final String value)
    {
        if (value == null)
        {
            return null;
        }
        final int query = value.indexOf('?');
        return (query < 0 ? value : value.substring(0, query) + "?…")
            .replaceAll("(?i)(password|token)=[^;]*", "$1=…");
    }

    /** Reads a YAML (or JSON) configuration file; every key is optional. */
    public static PipelineConfig fromYaml(final Path file)
    {
        return new PipelineConfigYamlReader(parse(file, read(file))).read();
    }

    /**
     * Reads a configuration file for a pipeline that replays a journal ({@code pitgun journal replay}, {@code insight
     * verify}, a hive's derived output): its {@code journal} and {@code ack_mode} keys, and its {@code output} keys
     * but {@code output.include_restricted}, are left out before anything is read or checked, since the replay sets
     * them itself ({@link JournalReplayer#replayConfig}); checked, a live configuration's {@code journal} section
     * without a directory was refused ({@code ack_mode: journaled} needs one).
     */
    public static PipelineConfig fromYamlForReplay(final Path file)
    {
        final ParsedDocument document = parse(file, read(file));
        if (document.root() instanceof ObjectNode root)
        {
            root.remove(List.of("journal", "ack_mode"));
            if (root.get("output") instanceof ObjectNode output)
            {
                output.retain("include_restricted");
            }
        }
        return new PipelineConfigYamlReader(document).read();
    }

    /** Parses configuration text; {@code sourceName} is used in messages. */
    public static PipelineConfig parseYaml(final Path sourceName, final String text)
    {
        return new PipelineConfigYamlReader(parse(sourceName, text)).read();
    }

    private static String read(final Path file)
    {
        try
        {
            return DocumentReader.readText(file);
        }
        catch (final DocumentException ex)
        {
            throw new PipelineConfigException("", ex.getMessage());
        }
    }

    private static ParsedDocument parse(final Path sourceName, final String text)
    {
        try
        {
            return DocumentReader.parse(sourceName, text, DocumentFormat.YAML);
        }
        catch (final DocumentException ex)
        {
            throw new PipelineConfigException("", ex.getMessage());
        }
    }

    /** Collects values; {@link #build()} checks them all. */
    public static final class Builder
    {
        private int channelCapacity = DEFAULT_CHANNEL_CAPACITY;
        private int maxSources = DEFAULT_MAX_SOURCES;
        private long streamIdleTimeoutUs = DEFAULT_STREAM_IDLE_TIMEOUT_US;
        private boolean enableMerging = (Boolean)PipelineSetting.ENABLE_MERGING.defaultValue();
        private long mergeWindowUs = DEFAULT_MERGE_WINDOW_US;
        private boolean validateParameters = (Boolean)PipelineSetting.VALIDATE_PARAMETERS.defaultValue();
        private WaitStrategyKind waitStrategy = (WaitStrategyKind)PipelineSetting.WAIT_STRATEGY.defaultValue();
        private ProducerMode producerMode = (ProducerMode)PipelineSetting.PRODUCER.defaultValue();
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private AckMode ackMode = (AckMode)PipelineSetting.ACK_MODE.defaultValue();
        private Path journalDirectory;
        private String rollCycle = DEFAULT_ROLL_CYCLE;
        private JournalThread journalThread = (JournalThread)PipelineSetting.JOURNAL_THREAD.defaultValue();
        private boolean journalPretouch = (Boolean)PipelineSetting.JOURNAL_PRETOUCH.defaultValue();
        private long journalMinFreeBytes = (Long)PipelineSetting.JOURNAL_MIN_FREE_BYTES.defaultValue();
        private Path jsonLinesFile;
        private boolean outputDigest = (Boolean)PipelineSetting.OUTPUT_DIGEST.defaultValue();
        private boolean outputIncludeRestricted = (Boolean)PipelineSetting.OUTPUT_INCLUDE_RESTRICTED.defaultValue();
        private int subscriberBufferBytes = DEFAULT_SUBSCRIBER_BUFFER_BYTES;
        private String questDb;
        private String postgresUrl;
        private Path parquetDirectory;

        private Builder()
        {
        }

        /** {@code channel_capacity}: ring slots, a power of two (default 4096). */
        public Builder channelCapacity(final int slots)
        {
            this.channelCapacity = slots;
            return this;
        }

        /** {@code max_sources} (default 64). */
        public Builder maxSources(final int maxSources)
        {
            this.maxSources = maxSources;
            return this;
        }

        /** {@code stream_idle_timeout} in microseconds (default 60 s). */
        public Builder streamIdleTimeoutUs(final long timeoutUs)
        {
            this.streamIdleTimeoutUs = timeoutUs;
            return this;
        }

        /** {@code enable_merging} with {@code merge_window} in microseconds. */
        public Builder merging(final boolean enabled, final long windowUs)
        {
            this.enableMerging = enabled;
            this.mergeWindowUs = windowUs;
            return this;
        }

        /** {@code enable_merging} (default false). */
        public Builder enableMerging(final boolean enabled)
        {
            this.enableMerging = enabled;
            return this;
        }

        /** {@code merge_window} in microseconds (default 1 ms). */
        public Builder mergeWindowUs(final long windowUs)
        {
            this.mergeWindowUs = windowUs;
            return this;
        }

        /** {@code validate_parameters} (default true). */
        public Builder validateParameters(final boolean validate)
        {
            this.validateParameters = validate;
            return this;
        }

        /** {@code wait_strategy} (default {@link WaitStrategyKind#BACKOFF}). */
        public Builder waitStrategy(final WaitStrategyKind kind)
        {
            this.waitStrategy = kind;
            return this;
        }

        /**
         * The latency profile, for a pipeline with one producing thread whose stage threads have cores of their own:
         * the producer journals each frame itself inside its publish ({@link JournalThread#PRODUCER}: no hand-over
         * to another thread between publish and journaled), which needs {@code producer: single}, so this sets it
         * too; the stages busy-spin ({@link WaitStrategyKind#BUSY_SPIN}, no park or yield between frames). The same
         * in YAML is {@code wait_strategy: busy_spin}, {@code journal.thread: producer} and {@code producer: single}.
         * Publishing from a second thread then corrupts the ring and the journal. Java cannot pin a thread itself:
         * give {@link TelemetryPipelineBuilder#threadFactory} an affinity library's factory, or confine the process
         * ({@code taskset}, {@code isolcpus}); {@code docs/embedding.md} "The latency profile" shows both. On cores
         * shared with other busy threads a spinning stage starves them: keep the default
         * {@link WaitStrategyKind#BACKOFF} there.
         */
        public Builder latencyProfile()
        {
            this.waitStrategy = WaitStrategyKind.BUSY_SPIN;
            this.journalThread = JournalThread.PRODUCER;
            this.producerMode = ProducerMode.SINGLE;
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

        /** {@code journal.thread} (default {@link JournalThread#PROCESS}). */
        public Builder journalThread(final JournalThread thread)
        {
            this.journalThread = thread;
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
            final String problem = PipelineSetting.JOURNAL_MIN_FREE_BYTES.problem(bytes);
            if (problem != null)
            {
                throw bad(PipelineSetting.JOURNAL_MIN_FREE_BYTES.key(), problem);
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

        /** {@code output.include_restricted} (default false). */
        public Builder outputIncludeRestricted(final boolean include)
        {
            this.outputIncludeRestricted = include;
            return this;
        }

        /** {@code subscriber_buffer_bytes} (default 1 MiB). */
        public Builder subscriberBufferBytes(final int bytes)
        {
            this.subscriberBufferBytes = bytes;
            return this;
        }

        /** {@code output.questdb}: an ILP client configuration string; null for none. */
        public Builder questDb(final String configuration)
        {
            this.questDb = configuration;
            return this;
        }

        /** {@code output.postgres}: a JDBC URL; null for none. */
        public Builder postgresUrl(final String url)
        {
            this.postgresUrl = url;
            return this;
        }

        /** {@code output.parquet}: the live Parquet sink's directory; null for none. */
        public Builder parquetDirectory(final Path directory)
        {
            this.parquetDirectory = directory;
            return this;
        }

        /** Checks every value against its {@link PipelineSetting}. @throws PipelineConfigException naming the first
         *  bad key. */
        public PipelineConfig build()
        {
            final PipelineConfig config = new PipelineConfig(this);
            for (final PipelineSetting setting : PipelineSetting.values())
            {
                final String problem = setting.problem(setting.get(config));
                if (problem != null)
                {
                    throw bad(setting.key(), problem);
                }
                if (setting == PipelineSetting.ACK_MODE && ackMode == AckMode.JOURNALED && journalDirectory == null)
                {
                    throw bad(setting.key(), "'journaled' needs journal.directory; use 'accepted' for a pipeline " +
                        "without a journal");
                }
                if (setting == PipelineSetting.JOURNAL_THREAD && journalThread == JournalThread.PRODUCER &&
                    producerMode != ProducerMode.SINGLE)
                {
                    throw bad(setting.key(), "'producer' needs producer: single (got " + producerMode.symbol() +
                        "): with several producers the journal's order would not be the ring's, and a replay " +
                        "would not reproduce the output");
                }
            }
            // Once max_frame_bytes is known good: the slot it makes bounds the ring.
            final String capacityProblem = PipelineSetting.channelCapacityProblem(channelCapacity, maxFrameBytes);
            if (capacityProblem != null)
            {
                throw bad(PipelineSetting.CHANNEL_CAPACITY.key(), capacityProblem);
            }
            return config;
        }

        private static PipelineConfigException bad(final String key, final String problem)
        {
            return new PipelineConfigException(key, key + ": " + problem);
        }
    }
}
