package io.pitgun.gateway;

import io.pitgun.engine.PipelineSetting;
import io.pitgun.scaleout.AeronIdleStrategy;
import io.pitgun.scaleout.ShipperConfig;

import java.util.Locale;

/**
 * Every gateway setting: its environment variable, its {@code pitgun gateway} flag and its default. A flag wins
 * over the environment; the environment wins over the default. The {@code pitgun gateway} flags and the settings
 * table of {@code docs/gateway.md} are derived from this enum (a test fails when the table disagrees). A setting the
 * gateway passes through to its pipeline takes its default, meaning and check from that {@link PipelineSetting}.
 */
public enum GatewaySetting
{
    BIND("BIND", "127.0.0.1:8080", "host:port to listen on; a non-loopback host also needs TOKENS_FILE (or INSECURE=1)"),
    ALLOW_NON_LOOPBACK("ALLOW_NON_LOOPBACK", "0", true, "deprecated: the same as INSECURE=1"),
    INSECURE("INSECURE", "0", true, "1 to bind a non-loopback address without TOKENS_FILE: nothing is authenticated, and every start logs a warning saying so"),
    TOKENS_FILE("TOKENS_FILE", "", "token file (pitgun token add); when set, every endpoint but /health, /, /dictionary, /schemas, /solver and /live needs a bearer token with its capability (docs/security.md); changes take effect without a restart"),
    TRUSTED_PROXIES("TRUSTED_PROXIES", "", "comma-separated IP addresses (not host names) of reverse proxies whose X-Forwarded-For names the client (rate limits and RESTRICTED_CLIENTS without tokens); from any other peer the header is ignored"),
    ALLOWED_ORIGINS("ALLOWED_ORIGINS", "", "comma-separated browser origins (scheme://host[:port]) allowed to open a WebSocket or POST; any other Origin header is refused with 403 (pages of the gateway itself, reached by a loopback name, are allowed); their hosts are also names a loopback gateway without tokens answers to in Host (else 421, docs/security.md)"),
    DATA_DIR("DATA_DIR", "./data", "storage directory, one gateway's at a time (it holds DATA_DIR/gateway.lock; a second gateway there exits at once): the journal is DATA_DIR/journal, the live counters DATA_DIR/pitgun-counters.dat (read by pitgun stat)"),
    RUN_REGISTRY_URL("RUN_REGISTRY_URL", "", "URL that insight records are mirrored to by HTTP POST (queue 256, 3 attempts, counted; if the mirror ever falls behind, or an insight is too long for the subscriber buffer, it logs which, counts pitgun_gateway_run_registry_gaps_total and subscribes again (at the shutdown, it logs and counts); a failure of its poller is counted, pitgun_gateway_run_registry_errors_total)"),
    MANIFEST("MANIFEST", "", "pipeline-manifest/v1 file (default: the built-in one; for sim.v1 it derives power and speed and summarises laps, for any other dictionary it passes frames through)"),
    DICTIONARY("DICTIONARY", "", "metrics-dictionary/v1 file (default: the canonical sim.v1)"),
    TRUST("TRUST", "", "comma-separated public key files (.pub, from pitgun keys generate); when set, MANIFEST is required and must carry a valid signature (MANIFEST.sig) by one of them, or the gateway refuses to start (docs/security.md) (default: signatures not checked)"),
    TUNING_POLICY("TUNING_POLICY", "", "tuning-policy/v1 file whose limits frames and the manifest must keep (docs/security.md, Tuning limits): a frame outside a reject limit is refused (422 tuning_limit_exceeded), one outside a flag limit accepted with the sample DEGRADED and counted; a manifest over a limit stops the start (default: none)"),
    ACK_MODE("ACK_MODE", PipelineSetting.ACK_MODE, null, ""),
    MAX_BODY_BYTES("MAX_BODY_BYTES", "4194304", between(64, Integer.MAX_VALUE), "largest POST /beacon body (413 above)"),
    MAX_HEADER_BYTES("MAX_HEADER_BYTES", "16384", between(1024, 1 << 20), "largest request header block (431 above)"),
    MAX_ENVELOPE_BYTES("MAX_ENVELOPE_BYTES", "1048576", between(64, Integer.MAX_VALUE), "largest single envelope"),
    MAX_WS_FRAME_BYTES("MAX_WS_FRAME_BYTES", "1048576", between(1024, Integer.MAX_VALUE), "largest WebSocket message (the connection is closed with 1009 above)"),
    INGEST_QUEUE("INGEST_QUEUE", "1024", between(1, 1 << 20), "envelopes admitted but not yet acknowledged (503 above)"),
    CHANNEL_CAPACITY("CHANNEL_CAPACITY", PipelineSetting.CHANNEL_CAPACITY, "RING_SLOTS",
        "; the gateway's slots make it at most " + GatewayRing.LARGEST_CHANNEL_CAPACITY),
    WAIT_STRATEGY("WAIT_STRATEGY", PipelineSetting.WAIT_STRATEGY, null, ""),
    MAX_SOURCES("MAX_SOURCES", PipelineSetting.MAX_SOURCES, null,
        "; across every session (a tuning policy's max_sources_per_session bounds one session's); give a replay of the journal the same (journal replay --config) to derive the same"),
    STREAM_IDLE_TIMEOUT("STREAM_IDLE_TIMEOUT", PipelineSetting.STREAM_IDLE_TIMEOUT, null,
        "; a duration in s, ms or us such as 30s, from 1s to 86400s; give a replay of the journal the same (journal replay --config) to derive the same"),
    RATE_LIMIT("RATE_LIMIT", "500", between(0, Integer.MAX_VALUE), "requests (and WebSocket messages) per second per client (its token id with TOKENS_FILE, else its address); 0 turns it off"),
    RATE_BURST("RATE_BURST", "1000", between(1, Integer.MAX_VALUE), "token-bucket depth per client"),
    IDLE_TIMEOUT_S("IDLE_TIMEOUT_S", "60", between(1, 86_400), "close a connection idle this long; a live " +
        "subscriber is pinged instead, and closed once idle this long again without answering"),
    READ_TIMEOUT_S("READ_TIMEOUT_S", "10", between(1, 3_600), "a request must arrive completely within this time of its first byte (408; slow loris), a WebSocket message within this time of its first byte (close 1008), and a connection's first request within this time of the connection (else it is closed without an answer)"),
    ACK_TIMEOUT_MS("ACK_TIMEOUT_MS", "5000", between(1, 600_000), "longest wait for the journal before a journaled-mode answer gives up (503)"),
    IDEMPOTENCY_ENTRIES("IDEMPOTENCY_ENTRIES", "65536", powerOfTwo(16, 1 << 24), "event_ids remembered for retries (a power of two)"),
    IDEMPOTENCY_WINDOW_S("IDEMPOTENCY_WINDOW_S", "600", between(1, 86_400), "how long an event_id is remembered, at most"),
    RESTRICTED_CLIENTS("RESTRICTED_CLIENTS", "", "comma-separated client addresses (any loopback address stands for all of them; with TOKENS_FILE: token ids) allowed to send restricted channels"),
    SUBSCRIBER_BUFFER_BYTES("SUBSCRIBER_BUFFER_BYTES", PipelineSetting.SUBSCRIBER_BUFFER_BYTES, null,
        "; the gateway also bounds each live subscriber's unsent bytes by it (instead of OUTBOUND_LIMIT_BYTES) and " +
            "disconnects one that far behind, and does not start when a summary of the manifest can be longer than an " +
            "eighth of it (each number at its widest; the laps a session summary lists aside)"),
    IO_THREADS("IO_THREADS", "1", between(1, 64), "Netty event-loop threads for connections"),
    SHUTDOWN_TIMEOUT_S("SHUTDOWN_TIMEOUT_S", "20", between(1, 3_600), "longest graceful drain on SIGTERM"),
    JOURNAL_MIN_FREE_BYTES("JOURNAL_MIN_FREE_BYTES", PipelineSetting.JOURNAL_MIN_FREE_BYTES, null,
        "; the gateway refuses ingestion below it (507 journal_full) and resumes by itself when space returns"),
    MAX_CONNECTIONS("MAX_CONNECTIONS", "2048", between(1, 1 << 20), "open connections in total; one more is closed on accept and counted"),
    MAX_CONNECTIONS_PER_PEER("MAX_CONNECTIONS_PER_PEER", "256", between(1, 1 << 20), "open connections per client address; one more is closed on accept and counted"),
    OUTBOUND_HIGH_WATER_BYTES("OUTBOUND_HIGH_WATER_BYTES", "262144", between(1024, 1 << 30), "a connection's unsent answers above which the gateway stops reading from it (resumes below half)"),
    OUTBOUND_LIMIT_BYTES("OUTBOUND_LIMIT_BYTES", "4194304", between(2048, Integer.MAX_VALUE), "a connection's unsent answers above which it is closed (slow_consumer)"),
    OUTBOUND_TOTAL_LIMIT_BYTES("OUTBOUND_TOTAL_LIMIT_BYTES", "134217728", between(2048, Integer.MAX_VALUE), "unsent answers of all connections together; above it the connection holding the most is closed (slow_consumer); lowered at start, with PARTIAL_MESSAGE_BUDGET_BYTES, to fit the JVM's direct memory"),
    SLOW_CONSUMER_TIMEOUT_MS("SLOW_CONSUMER_TIMEOUT_MS", "10000", between(1, 3_600_000), "a connection that takes no answers (over the high-water mark) this long is closed (slow_consumer)"),
    PARTIAL_MESSAGE_BUDGET_BYTES("PARTIAL_MESSAGE_BUDGET_BYTES", "67108864", between(1024, Integer.MAX_VALUE), "bytes of unfinished requests and WebSocket messages held across all connections; a connection that would pass it is closed; lowered at start, with OUTBOUND_TOTAL_LIMIT_BYTES, to fit the JVM's direct memory"),
    QUEUE_DELAY_TARGET_MS("QUEUE_DELAY_TARGET_MS", "100", between(1, 600_000), "admission: once the oldest unanswered request has waited longer than this for a whole interval, new requests get 503 overload"),
    QUEUE_DELAY_INTERVAL_MS("QUEUE_DELAY_INTERVAL_MS", "1000", between(1, 600_000), "admission: how long the queueing delay must stay above its target before refusing"),
    AUDIT_LOG("AUDIT_LOG", "", "file the audit log is appended to, one JSON line per request (peer, token id, forwarded-for, status, reason, sizes, duration), written by a thread of its own and rotated at 64 MiB (FILE.1 to FILE.5 kept); - for standard error (default: off)"),
    SHIP_TO("SHIP_TO", "", "Aeron channel of a hive to ship the journal to, e.g. aeron:udp?endpoint=127.0.0.1:40456 (docs/scale-out.md); a thread of its own tails the journal, ingestion never waits for it (default: off: no Aeron thread or file)"),
    SHIP_REPLY("SHIP_REPLY", ShipperConfig.DEFAULT_REPLY_CHANNEL, "Aeron channel the hive's acknowledgements come back on when shipping (port 0: a free port); name an address the hive can reach when it runs on another machine"),
    SHIP_BATCH_SIZE("SHIP_BATCH_SIZE", Integer.toString(ShipperConfig.DEFAULT_BATCH_SIZE), between(1, 1 << 20), "most frames per batch shipped to the hive (seed 002's default)"),
    SHIP_FLUSH_INTERVAL_MS("SHIP_FLUSH_INTERVAL_MS", Long.toString(ShipperConfig.DEFAULT_FLUSH_INTERVAL_NS / 1_000_000), between(0, 60_000), "longest a partial batch waits for more frames before it is shipped (seed 002's default)"),
    SHIP_STREAM_ID("SHIP_STREAM_ID", Integer.toString(ShipperConfig.DEFAULT_STREAM_ID), between(1, Integer.MAX_VALUE), "Aeron stream id the batches go out on: the hive's --stream-id"),
    SHIP_REPLY_STREAM_ID("SHIP_REPLY_STREAM_ID", Integer.toString(ShipperConfig.DEFAULT_REPLY_STREAM_ID), between(1, Integer.MAX_VALUE), "Aeron stream id the hive's acknowledgements come back on (SHIP_REPLY); the hive learns it from each batch"),
    SHIP_AERON_DIR("SHIP_AERON_DIR", "", "the shipper's embedded Aeron media driver directory (default: /dev/shm/pitgun-edge-… when /dev/shm exists, else DATA_DIR/aeron); put it on a disk when /dev/shm is small"),
    SHIP_IDLE_STRATEGY("SHIP_IDLE_STRATEGY", AeronIdleStrategy.BACKOFF.text(), "how the shipper's thread and its media driver wait when idle: one of " + AeronIdleStrategy.choices() + " (busy_spin only with a core to spare)"),
    TLS_CERT("TLS_CERT", "", "PEM file of the certificate chain (server certificate first): with TLS_KEY, the port speaks only HTTPS and WSS (TLS 1.3 and 1.2); both files are read again when either changes (default: off, plain HTTP)"),
    TLS_KEY("TLS_KEY", "", "PEM file of TLS_CERT's private key (PKCS#8, unencrypted; keep it readable by the gateway's user only)"),
    RUN_REGISTRY_INCLUDE_RESTRICTED("RUN_REGISTRY_INCLUDE_RESTRICTED", "0", true, "1 to mirror the lap statistics of restricted and internal channels (and of channels derived from them) to RUN_REGISTRY_URL; by default they are left out of each record, as for a subscriber without read_restricted"),
    TLS_PROVIDER("TLS_PROVIDER", TlsProvider.OPENSSL.text(), "the TLS implementation: openssl (BoringSSL from netty-tcnative, Linux x86-64; where it does not load the gateway uses jdk, logs a warning and sets pitgun_gateway_tls_openssl_fallback) or jdk (the JDK's SunJSSE)"),
    TLS_HANDSHAKE_TIMEOUT_MS("TLS_HANDSHAKE_TIMEOUT_MS", "5000", between(100, 600_000), "a TLS handshake must complete within this time of the connection's accept, or the connection is closed (tls_handshake_timeout)"),
    TLS_MAX_HANDSHAKES("TLS_MAX_HANDSHAKES", "512", between(1, 1 << 20), "TLS handshakes in progress in total; a new connection beyond it is closed before its handshake (tls_handshake_limit)"),
    TLS_MAX_HANDSHAKES_PER_PEER("TLS_MAX_HANDSHAKES_PER_PEER", "64", between(1, 1 << 20), "TLS handshakes in progress per client address; a new connection beyond it is closed before its handshake (tls_peer_handshake_limit)"),
    SHIP_ACK_TIMEOUT_MS("SHIP_ACK_TIMEOUT_MS", Long.toString(ShipperConfig.DEFAULT_ACK_TIMEOUT_NS / 1_000_000), between(1, 3_600_000), "when shipping, how long batches may go unacknowledged before the edge asks the hive again (a hello) and resumes from what it holds; above the round trip to the hive"),
    SHIP_SECRET_FILE("SHIP_SECRET_FILE", "", "file holding this edge's shared secret with the hive (one line, at least 32 characters; the hive's --edge-secrets lists it against the edge id): each batch then carries an HMAC-SHA256 of itself (docs/scale-out.md); without it the hive takes this edge's batches only over loopback or when started --insecure"),
    UDP_BIND("UDP_BIND", "", "--udp", "host:port to receive the F1 25 (or F1 24) game's UDP telemetry on, e.g. 127.0.0.1:20777 (docs/f1.md); frames of the f1-25.v1 dictionary, which becomes the default DICTIONARY; a non-loopback address also needs INSECURE=1, UDP carries no token (default: off)"),
    UDP_ALL_CARS("UDP_ALL_CARS", "0", true, "1 to write every active car of the game's UDP telemetry as its own source (source id = car index), not only the player's"),
    QUESTDB("QUESTDB", PipelineSetting.OUTPUT_QUESTDB, null, ""),
    POSTGRES_URL("POSTGRES_URL", PipelineSetting.OUTPUT_POSTGRES, null, ""),
    PARQUET_DIR("PARQUET_DIR", PipelineSetting.OUTPUT_PARQUET, null, "; here relative to the working directory"),
    JOURNAL_ON_LOOP("JOURNAL_ON_LOOP", "0", true, "1 to journal each request's frames on the event loop that decoded them, before it answers, when that loop is the only producer (IO_THREADS=1, no UDP_BIND): a journaled acknowledgement then needs no hand-over to the pipeline's thread and back (journal.thread: producer), which shortens the round trip of a few connections, but the loop pays a journal entry per request that the pipeline's thread would batch, which costs many connections throughput (docs/gateway.md); on the loop it never waits for disk space, it refuses (507 journal_full), and answers wait while the stages are more than half a ring behind; 0: the pipeline's thread journals");

    /** Prefix of every environment variable. */
    public static final String ENV_PREFIX = "PITGUN_GATEWAY_";

    private final String suffix;
    private final String defaultValue;
    private final String description;
    private final boolean isSwitch;
    private final PipelineSetting pipelineSetting;
    private final String aliasSuffix;
    private final Range range;
    private final String flag;

    /** The bounds of a whole-number setting, both inclusive, and whether it must be a power of two. */
    record Range(long min, long max, boolean powerOfTwo)
    {
    }

    private static Range between(final long min, final long max)
    {
        return new Range(min, max, false);
    }

    private static Range powerOfTwo(final long min, final long max)
    {
        return new Range(min, max, true);
    }

    GatewaySetting(final String suffix, final String defaultValue, final String description)
    {
        this(suffix, defaultValue, false, description);
    }

    /** A whole-number setting checked against {@code range}. */
    GatewaySetting(final String suffix, final String defaultValue, final Range range, final String description)
    {
        this.suffix = suffix;
        this.defaultValue = defaultValue;
        this.isSwitch = false;
        this.description = description;
        this.pipelineSetting = null;
        this.aliasSuffix = null;
        this.range = range;
        this.flag = null;
    }

    GatewaySetting(final String suffix, final String defaultValue, final boolean isSwitch, final String description)
    {
        this.suffix = suffix;
        this.defaultValue = defaultValue;
        this.isSwitch = isSwitch;
        this.description = description;
        this.pipelineSetting = null;
        this.aliasSuffix = null;
        this.range = null;
        this.flag = null;
    }

    /** A setting whose flag is not derived from its variable ({@code UDP_BIND} is {@code --udp}). */
    GatewaySetting(final String suffix, final String defaultValue, final String flag, final String description)
    {
        this(suffix, defaultValue, false, description, flag);
    }

    private GatewaySetting(final String suffix, final String defaultValue, final boolean isSwitch,
        final String description, final String flag)
    {
        this.suffix = suffix;
        this.defaultValue = defaultValue;
        this.isSwitch = isSwitch;
        this.description = description;
        this.pipelineSetting = null;
        this.aliasSuffix = null;
        this.range = null;
        this.flag = flag;
    }

    /** A setting passed through to the pipeline: default, meaning and check are the pipeline setting's. */
    GatewaySetting(final String suffix, final PipelineSetting pipelineSetting, final String aliasSuffix,
        final String gatewayNote)
    {
        this.suffix = suffix;
        this.defaultValue = pipelineSetting.defaultText();
        this.isSwitch = false;
        this.description = pipelineSetting.description() + gatewayNote + " (the pipeline's " +
            pipelineSetting.key() + ")";
        this.pipelineSetting = pipelineSetting;
        this.aliasSuffix = aliasSuffix;
        this.range = null;
        this.flag = null;
    }

    /** The environment variable, e.g. {@code PITGUN_GATEWAY_BIND}. */
    public String envName()
    {
        return ENV_PREFIX + suffix;
    }

    /** How a problem message names this setting: both spellings, e.g. {@code PITGUN_GATEWAY_BIND (--bind)}. */
    public String label()
    {
        return envName() + " (" + flag() + ")";
    }

    /** The command-line flag, e.g. {@code --bind}. */
    public String flag()
    {
        return flag != null ? flag : toFlag(suffix);
    }

    private static String toFlag(final String suffix)
    {
        return "--" + suffix.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The default, as text ({@code ""} for none). */
    public String defaultValue()
    {
        return defaultValue;
    }

    /** The pipeline setting this one passes through, or null for the gateway's own. */
    public PipelineSetting pipelineSetting()
    {
        return pipelineSetting;
    }

    /** The deprecated environment variable still accepted (with a warning), or null. */
    public String aliasEnvName()
    {
        return aliasSuffix == null ? null : ENV_PREFIX + aliasSuffix;
    }

    /** The deprecated flag still accepted (with a warning), or null. */
    public String aliasFlag()
    {
        return aliasSuffix == null ? null : toFlag(aliasSuffix);
    }

    /**
     * The problem of this setting given under both its names, as variables ({@code asFlags} false) or as flags, with
     * different values; null when they agree or either is not given. Before, the new name won without a word: an old
     * environment file's RING_SLOTS=64 beside a new one's CHANNEL_CAPACITY=32 ran a ring of 32 slots.
     */
    public String namesDisagree(final boolean asFlags, final String value, final String aliasValue)
    {
        if (value == null || aliasValue == null || value.trim().equals(aliasValue.trim()))
        {
            return null;
        }
        final String name = asFlags ? flag() : envName();
        return name + "=" + value.trim() + " and " + (asFlags ? aliasFlag() : aliasEnvName()) + "=" +
            aliasValue.trim() + ", its deprecated name, are both set, to different values: set " + name + " alone";
    }

    /** The bounds of a whole-number setting, or null. */
    Range range()
    {
        return range;
    }

    /** True for a yes/no setting (1 or 0): its flag given alone means 1. */
    public boolean isSwitch()
    {
        return isSwitch;
    }

    /** One line for help and docs. */
    public String description()
    {
        return description;
    }
}
