package io.pitgun.gateway;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineSetting;
import io.pitgun.engine.WaitStrategyKind;
import io.pitgun.journal.JournalPretouchAgent;
import io.pitgun.manifest.formula.Suggestions;
import io.pitgun.scaleout.AeronIdleStrategy;
import io.pitgun.scaleout.AeronUdpChannel;
import io.pitgun.scaleout.ShipperConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway's configuration, resolved from {@code PITGUN_GATEWAY_*} environment variables and
 * {@code pitgun gateway} flags ({@link GatewaySetting} lists them). Resolution checks everything at once and
 * refuses a non-loopback bind without tokens ({@code PITGUN_GATEWAY_TOKENS_FILE}) unless
 * {@code PITGUN_GATEWAY_INSECURE=1}: exposing an unauthenticated ingress is a decision, not an accident.
 */
public record GatewayConfig(
    InetSocketAddress bind,
    boolean allowNonLoopback,
    GatewaySecurity security,
    Path dataDir,
    Optional<String> runRegistryUrl,
    Optional<Path> manifest,
    Optional<Path> dictionary,
    Optional<Path> tuningPolicy,
    AckMode ackMode,
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxEnvelopeBytes,
    int maxWsFrameBytes,
    int ingestQueue,
    int channelCapacity,
    WaitStrategyKind waitStrategy,
    int maxSources,
    long streamIdleTimeoutUs,
    int rateLimitPerSecond,
    int rateBurst,
    int idleTimeoutS,
    int readTimeoutS,
    long ackTimeoutMs,
    int idempotencyEntries,
    int idempotencyWindowS,
    Set<String> restrictedClients,
    int subscriberBufferBytes,
    int ioThreads,
    int shutdownTimeoutS,
    long journalMinFreeBytes,
    int maxConnections,
    int maxConnectionsPerPeer,
    int outboundHighWaterBytes,
    int outboundLimitBytes,
    long outboundTotalLimitBytes,
    int slowConsumerTimeoutMs,
    long partialMessageBudgetBytes,
    int queueDelayTargetMs,
    int queueDelayIntervalMs,
    Optional<String> auditLog,
    Optional<String> shipTo,
    String shipReply,
    int shipBatchSize,
    int shipFlushIntervalMs,
    int shipStreamId,
    int shipReplyStreamId,
    Optional<Path> shipAeronDir,
    AeronIdleStrategy shipIdleStrategy,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    TlsOptions tls,
    List<Path> trust,
    boolean runRegistryIncludeRestricted,
    int shipAckTimeoutMs,
    Optional<Path> shipSecretFile,
    Optional<InetSocketAddress> udpBind,
    boolean udpAllCars,
    Optional<String> questDb,
    Optional<String> postgresUrl,
    Optional<Path> parquetDir,
    boolean journalOnLoop)
{
    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfig.class);

    /** The journal's directory under the data directory. */
    public Path journalDirectory()
    {
        return dataDir.resolve("journal");
    }

    /**
     * True when one event loop is the ring's only producer: one I/O thread and no UDP source thread. The gateway then
     * opens a single-producer ring bound to that loop ({@code TelemetryPipeline.bindProducer}).
     */
    public boolean loopIsOnlyProducer()
    {
        return ioThreads == 1 && udpBind.isEmpty();
    }

    /**
     * True when the event loop journals what it publishes ({@link GatewaySetting#JOURNAL_ON_LOOP}): asked for, and
     * that loop the ring's only producer ({@link #loopIsOnlyProducer()}).
     */
    public boolean journalsOnLoop()
    {
        return journalOnLoop && loopIsOnlyProducer();
    }

    /** The defaults, as if neither environment nor flags set anything (binds 127.0.0.1:8080). */
    public static GatewayConfig defaults()
    {
        return resolve(Map.of(), Map.of());
    }

    /** From the process environment and flags ({@code null} values in {@code flags} are ignored). */
    public static GatewayConfig fromEnvironment(final Map<GatewaySetting, String> flags)
    {
        return resolve(System.getenv(), flags);
    }

    /**
     * Resolves every setting: flag, else environment variable, else default.
     *
     * @throws GatewayConfigException listing every problem, each naming the variable and flag.
     */
    public static GatewayConfig resolve(final Map<String, String> environment,
        final Map<GatewaySetting, String> flags)
    {
        final Map<String, String> env = withoutEmpty(environment);
        final Map<GatewaySetting, String> text = new EnumMap<>(GatewaySetting.class);
        final Set<GatewaySetting> given = EnumSet.noneOf(GatewaySetting.class);
        final List<String> problems = new ArrayList<>();
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            final String alias = setting.aliasEnvName() == null ? null : env.get(setting.aliasEnvName());
            if (alias != null)
            {
                LOG.warn("{} is deprecated: use {} (same meaning)", setting.aliasEnvName(), setting.envName());
                final String disagreement = setting.namesDisagree(false, env.get(setting.envName()), alias);
                if (disagreement != null)
                {
                    problems.add(disagreement);
                }
            }
            String value = flags.get(setting);
            if (value == null)
            {
                value = env.get(setting.envName());
            }
            if (value == null)
            {
                value = alias;
            }
            if (value != null)
            {
                given.add(setting);
            }
            text.put(setting, value == null ? setting.defaultValue() : value.trim());
        }
        final Parser parser = new Parser(text, given);
        parser.problems.addAll(problems);
        parser.problems.addAll(unknownVariables(env));
        return parser.parse();
    }

    /**
     * The variables that hold something: an empty one (or white space only) is as if unset, as most tools take it.
     * Compose files and {@code env_file}s write {@code PITGUN_GATEWAY_IO_THREADS=} for a variable passed through
     * unset; before, the gateway refused to start ("'' is not a whole number"), or took an empty path or list.
     */
    private static Map<String, String> withoutEmpty(final Map<String, String> environment)
    {
        final Map<String, String> set = new HashMap<>();
        environment.forEach((name, value) ->
        {
            if (value != null && !value.isBlank())
            {
                set.put(name, value);
            }
        });
        return set;
    }

    /**
     * A problem for each {@code PITGUN_GATEWAY_*} variable that names no setting. Before, one was ignored without a
     * word: {@code PITGUN_GATEWAY_MAX_CONECTIONS=5} started a gateway taking 2048 connections, and
     * {@code PITGUN_GATEWAY_TOKEN_FILE} one without the token file the operator meant to give it.
     */
    static List<String> unknownVariables(final Map<String, String> env)
    {
        // Compared without the prefix they all share, which would otherwise make every name look close.
        final Set<String> known = new TreeSet<>();
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            known.add(setting.envName().substring(GatewaySetting.ENV_PREFIX.length()));
            if (setting.aliasEnvName() != null)
            {
                known.add(setting.aliasEnvName().substring(GatewaySetting.ENV_PREFIX.length()));
            }
        }
        final List<String> problems = new ArrayList<>();
        for (final String name : new TreeSet<>(env.keySet()))
        {
            final String setting = name.startsWith(GatewaySetting.ENV_PREFIX) ?
                name.substring(GatewaySetting.ENV_PREFIX.length()) : null;
            if (setting != null && !known.contains(setting))
            {
                final List<String> nearest = Suggestions.nearest(setting, known, 1).stream()
                    .map(suffix -> GatewaySetting.ENV_PREFIX + suffix).toList();
                problems.add(name + " is not a gateway setting" + Suggestions.hint(nearest) + "; unset it, or see " +
                    "pitgun gateway --help for every PITGUN_GATEWAY_* variable");
            }
        }
        return problems;
    }

    /** How the gateway ships its journal (the SHIP_* settings), or empty when SHIP_TO is not set. */
    public Optional<ShipperConfig> shipper()
    {
        return shipTo.map(channel -> ShipperConfig.to(channel)
            .withReplyChannel(shipReply)
            .withStreamIds(shipStreamId, shipReplyStreamId)
            .withBatchSize(shipBatchSize)
            .withFlushIntervalNs(TimeUnit.MILLISECONDS.toNanos(shipFlushIntervalMs))
            .withAeronDirectory(shipAeronDir.orElse(null))
            .withIdleStrategy(shipIdleStrategy)
            .withAckTimeoutNs(TimeUnit.MILLISECONDS.toNanos(shipAckTimeoutMs))
            .withSecretFile(shipSecretFile.orElse(null)));
    }

    /**
     * A bound inside others ({@code outer}): above the largest of them it is not the bound in force, that one is
     * ({@code why} says why). Before, such a setting started the gateway without a word. Refused when the operator set
     * both sides; with one side a default, the start goes on and one warning names the bound in force (a lone
     * MAX_CONNECTIONS=100 is no mistake): docs/gateway.md, Configuration.
     */
    private record Bound(GatewaySetting inner, List<GatewaySetting> outer, String why)
    {
    }

    /**
     * Settings that act only through another ({@code needs}): given without it, they would be taken and ignored, so
     * the start is refused naming both ({@code without} says what happens without it). Before, only SHIP_SECRET_FILE
     * and SHIP_AERON_DIR were; {@code --ship-batch-size 5}, {@code --tls-provider jdk} or {@code --udp-all-cars}
     * alone started a gateway on which they did nothing, without a word.
     */
    private record OnlyWith(GatewaySetting needs, String without, Set<GatewaySetting> settings)
    {
    }

    private static final List<OnlyWith> ONLY_WITH = List.of(
        new OnlyWith(GatewaySetting.SHIP_TO, "nothing is shipped without it", EnumSet.of(GatewaySetting.SHIP_REPLY,
            GatewaySetting.SHIP_BATCH_SIZE, GatewaySetting.SHIP_FLUSH_INTERVAL_MS, GatewaySetting.SHIP_STREAM_ID,
            GatewaySetting.SHIP_REPLY_STREAM_ID, GatewaySetting.SHIP_AERON_DIR, GatewaySetting.SHIP_IDLE_STRATEGY,
            GatewaySetting.SHIP_ACK_TIMEOUT_MS, GatewaySetting.SHIP_SECRET_FILE)),
        new OnlyWith(GatewaySetting.TLS_CERT, "the port speaks plain HTTP without it",
            EnumSet.of(GatewaySetting.TLS_PROVIDER, GatewaySetting.TLS_HANDSHAKE_TIMEOUT_MS,
                GatewaySetting.TLS_MAX_HANDSHAKES, GatewaySetting.TLS_MAX_HANDSHAKES_PER_PEER)),
        new OnlyWith(GatewaySetting.UDP_BIND, "no UDP telemetry is received without it",
            EnumSet.of(GatewaySetting.UDP_ALL_CARS)),
        new OnlyWith(GatewaySetting.RUN_REGISTRY_URL, "nothing is mirrored without it",
            EnumSet.of(GatewaySetting.RUN_REGISTRY_INCLUDE_RESTRICTED)));

    /** Why a connection's bound on its unsent bytes is inside the total's. */
    private static final String TOTAL_CLOSES = "the total closes the connection holding the most, within " +
        OutboundMemoryGuard.PERIOD_MS + " ms";

    private static final List<Bound> BOUNDS = List.of(
        new Bound(GatewaySetting.MAX_CONNECTIONS_PER_PEER, List.of(GatewaySetting.MAX_CONNECTIONS),
            "a client address's connections count toward the total"),
        new Bound(GatewaySetting.OUTBOUND_LIMIT_BYTES, List.of(GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES),
            TOTAL_CLOSES),
        // A live subscriber's unsent bytes are bounded by its own mark instead of OUTBOUND_LIMIT_BYTES, but still by
        // the total: above it, one falling behind is closed slow_consumer, without the 1008 saying why.
        new Bound(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, List.of(GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES),
            TOTAL_CLOSES),
        // Not MAX_BODY_BYTES alone: an envelope above it still arrives in a WebSocket message up to its own bound.
        new Bound(GatewaySetting.MAX_ENVELOPE_BYTES, List.of(GatewaySetting.MAX_BODY_BYTES,
            GatewaySetting.MAX_WS_FRAME_BYTES), "an envelope arrives in a POST body or a WebSocket message"));

    private static final class Parser
    {
        private final Map<GatewaySetting, String> text;
        /** The settings given (flag or variable), not left to their defaults. */
        private final Set<GatewaySetting> given;
        private final List<String> problems = new ArrayList<>();
        /** Logged once the configuration is taken, not when it is refused. */
        private final List<String> warnings = new ArrayList<>();
        /** Each whole-number setting that passed its own check, by value. */
        private final Map<GatewaySetting, Long> numbers = new EnumMap<>(GatewaySetting.class);

        Parser(final Map<GatewaySetting, String> text, final Set<GatewaySetting> given)
        {
            this.text = text;
            this.given = given;
        }

        GatewayConfig parse()
        {
            final boolean allowNonLoopback = bool(GatewaySetting.ALLOW_NON_LOOPBACK);
            if (allowNonLoopback)
            {
                // It always meant "expose without authentication", which is what INSECURE now says.
                LOG.warn("{} is deprecated: it means {}=1 (no authentication); set {} to require tokens instead",
                    GatewaySetting.ALLOW_NON_LOOPBACK.label(), GatewaySetting.INSECURE.envName(),
                    GatewaySetting.TOKENS_FILE.label());
            }
            final GatewaySecurity security = new GatewaySecurity(
                optional(GatewaySetting.TOKENS_FILE).map(Path::of),
                bool(GatewaySetting.INSECURE) || allowNonLoopback,
                proxies(GatewaySetting.TRUSTED_PROXIES),
                origins(GatewaySetting.ALLOWED_ORIGINS));
            final InetSocketAddress bind = bind(security);
            final GatewayConfig config = new GatewayConfig(
                bind,
                allowNonLoopback,
                security,
                Path.of(nonEmpty(GatewaySetting.DATA_DIR)),
                optional(GatewaySetting.RUN_REGISTRY_URL).map(this::url),
                optional(GatewaySetting.MANIFEST).map(Path::of),
                optional(GatewaySetting.DICTIONARY).map(Path::of),
                optional(GatewaySetting.TUNING_POLICY).map(Path::of),
                (AckMode)pipelineValue(GatewaySetting.ACK_MODE),
                integer(GatewaySetting.MAX_BODY_BYTES),
                integer(GatewaySetting.MAX_HEADER_BYTES),
                integer(GatewaySetting.MAX_ENVELOPE_BYTES),
                integer(GatewaySetting.MAX_WS_FRAME_BYTES),
                integer(GatewaySetting.INGEST_QUEUE),
                (Integer)pipelineValue(GatewaySetting.CHANNEL_CAPACITY, slots ->
                    PipelineSetting.channelCapacityProblem((Integer)slots, GatewayRing.MAX_FRAME_BYTES)),
                (WaitStrategyKind)pipelineValue(GatewaySetting.WAIT_STRATEGY),
                (Integer)pipelineValue(GatewaySetting.MAX_SOURCES),
                (Long)pipelineValue(GatewaySetting.STREAM_IDLE_TIMEOUT),
                integer(GatewaySetting.RATE_LIMIT),
                integer(GatewaySetting.RATE_BURST),
                integer(GatewaySetting.IDLE_TIMEOUT_S),
                integer(GatewaySetting.READ_TIMEOUT_S),
                integer(GatewaySetting.ACK_TIMEOUT_MS),
                integer(GatewaySetting.IDEMPOTENCY_ENTRIES),
                integer(GatewaySetting.IDEMPOTENCY_WINDOW_S),
                identities(GatewaySetting.RESTRICTED_CLIENTS),
                (Integer)pipelineValue(GatewaySetting.SUBSCRIBER_BUFFER_BYTES),
                integer(GatewaySetting.IO_THREADS),
                integer(GatewaySetting.SHUTDOWN_TIMEOUT_S),
                (Long)pipelineValue(GatewaySetting.JOURNAL_MIN_FREE_BYTES),
                integer(GatewaySetting.MAX_CONNECTIONS),
                integer(GatewaySetting.MAX_CONNECTIONS_PER_PEER),
                integer(GatewaySetting.OUTBOUND_HIGH_WATER_BYTES),
                integer(GatewaySetting.OUTBOUND_LIMIT_BYTES),
                integer(GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES),
                integer(GatewaySetting.SLOW_CONSUMER_TIMEOUT_MS),
                integer(GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES),
                integer(GatewaySetting.QUEUE_DELAY_TARGET_MS),
                integer(GatewaySetting.QUEUE_DELAY_INTERVAL_MS),
                optional(GatewaySetting.AUDIT_LOG),
                optional(GatewaySetting.SHIP_TO).map(channel -> aeronChannel(GatewaySetting.SHIP_TO, channel)),
                aeronChannel(GatewaySetting.SHIP_REPLY, nonEmpty(GatewaySetting.SHIP_REPLY)),
                integer(GatewaySetting.SHIP_BATCH_SIZE),
                integer(GatewaySetting.SHIP_FLUSH_INTERVAL_MS),
                integer(GatewaySetting.SHIP_STREAM_ID),
                integer(GatewaySetting.SHIP_REPLY_STREAM_ID),
                optional(GatewaySetting.SHIP_AERON_DIR).map(this::aeronDirectory),
                idleStrategy(GatewaySetting.SHIP_IDLE_STRATEGY),
                optional(GatewaySetting.TLS_CERT).map(Path::of),
                optional(GatewaySetting.TLS_KEY).map(Path::of),
                new TlsOptions(tlsProvider(), integer(GatewaySetting.TLS_HANDSHAKE_TIMEOUT_MS),
                    integer(GatewaySetting.TLS_MAX_HANDSHAKES), integer(GatewaySetting.TLS_MAX_HANDSHAKES_PER_PEER)),
                trustFiles(),
                bool(GatewaySetting.RUN_REGISTRY_INCLUDE_RESTRICTED),
                integer(GatewaySetting.SHIP_ACK_TIMEOUT_MS),
                optional(GatewaySetting.SHIP_SECRET_FILE).map(Path::of),
                optional(GatewaySetting.UDP_BIND).map(value -> udpBind(value, security)),
                bool(GatewaySetting.UDP_ALL_CARS),
                optional(GatewaySetting.QUESTDB),
                optional(GatewaySetting.POSTGRES_URL),
                optional(GatewaySetting.PARQUET_DIR).map(this::parquetDirectory),
                bool(GatewaySetting.JOURNAL_ON_LOOP));
            checkOnlyWith();
            if (config.tlsCert().isPresent() != config.tlsKey().isPresent())
            {
                problems.add(GatewaySetting.TLS_CERT.label() + " and " + GatewaySetting.TLS_KEY.label() +
                    ": give both (the certificate chain and its private key) or neither");
            }
            // Checked here so a typo stops the start with the setting's name, not at the sink's first connect.
            if (config.questDb().isPresent() && !config.questDb().get().matches("(?i)https?::.*"))
            {
                problems.add(GatewaySetting.QUESTDB.label() + ": must be an ILP configuration over HTTP, such as " +
                    "http::addr=127.0.0.1:9000; (the sink resumes through QuestDB's SQL endpoint, which TCP lacks)");
            }
            if (config.postgresUrl().isPresent() && !config.postgresUrl().get().startsWith("jdbc:postgresql:"))
            {
                problems.add(GatewaySetting.POSTGRES_URL.label() + ": must be a jdbc:postgresql: URL, such as " +
                    "jdbc:postgresql://127.0.0.1:5432/pitgun?user=pitgun");
            }
            if (!config.trust().isEmpty() && config.manifest().isEmpty())
            {
                problems.add(GatewaySetting.TRUST.label() + ": requires " + GatewaySetting.MANIFEST.label() +
                    ": the built-in manifest carries no signature; give a signed manifest file");
            }
            if (config.outboundLimitBytes() <= config.outboundHighWaterBytes())
            {
                problems.add(GatewaySetting.OUTBOUND_LIMIT_BYTES.label() + ": must be above " +
                    GatewaySetting.OUTBOUND_HIGH_WATER_BYTES.envName() + " (" + config.outboundHighWaterBytes() + ")");
            }
            checkBounds();
            checkHeadroomAbovePretouch();
            if (!problems.isEmpty())
            {
                throw new GatewayConfigException(problems);
            }
            warnings.forEach(LOG::warn);
            return config;
        }

        /** Each of {@link #ONLY_WITH} given without the setting it needs. */
        private void checkOnlyWith()
        {
            for (final OnlyWith rule : ONLY_WITH)
            {
                if (optional(rule.needs()).isPresent())
                {
                    continue;
                }
                for (final GatewaySetting setting : rule.settings())
                {
                    if (given.contains(setting) && optional(setting).isPresent())
                    {
                        problems.add(setting.label() + " is set but " + rule.needs().label() + " is not: " +
                            rule.without() + " (set both, or neither)");
                    }
                }
            }
        }

        /** Each of {@link #BOUNDS} above its outer bound: a problem when both sides were given, else a warning. */
        private void checkBounds()
        {
            for (final Bound bound : BOUNDS)
            {
                final Long inner = numbers.get(bound.inner());
                final List<Long> outer = bound.outer().stream().map(numbers::get).toList();
                if (inner == null || outer.contains(null))
                {
                    continue; // refused by its own check already
                }
                final long inForce = outer.stream().mapToLong(Long::longValue).max().orElseThrow();
                if (inner <= inForce)
                {
                    continue;
                }
                final boolean outerGiven = bound.outer().stream().anyMatch(given::contains);
                final String outerNames = String.join(" or ", bound.outer().stream().map(GatewaySetting::envName)
                    .toList());
                final String said = stated(bound.inner()) + " is above " + String.join(" and ",
                    bound.outer().stream().map(this::stated).toList()) + ", which bound" +
                    (bound.outer().size() == 1 ? "s" : "") + " it (" + bound.why() + "): ";
                final String lower = "set " + bound.inner().envName() + " at or below " + inForce;
                final String raise = "raise " + outerNames + " to at least " + inner;
                if (given.contains(bound.inner()) && outerGiven)
                {
                    problems.add(said + inForce + " would be the bound in force, not " + inner + "; " + lower +
                        ", or " + raise);
                }
                else
                {
                    warnings.add(said + inForce + " is the bound in force, not " + inner + "; " +
                        (outerGiven ? lower + " to say so" : raise + " for it to count"));
                }
            }
        }

        /**
         * Warns of a journal headroom not above the pretoucher's reach (docs/gateway.md, the journal's disk): the
         * pages it populates ahead of the writer are taken from the file system before entries fill them, so on a
         * file system that small or that full they eat the headroom themselves, and every request gets 507 though
         * the journal has room (a black-box run: 1 MiB on an 8 MiB tmpfs, 507 after the second request, for good).
         */
        private void checkHeadroomAbovePretouch()
        {
            final Long minFree = numbers.get(GatewaySetting.JOURNAL_MIN_FREE_BYTES);
            if (minFree != null && minFree > 0 && minFree <= JournalPretouchAgent.DEFAULT_AHEAD_BYTES)
            {
                warnings.add(stated(GatewaySetting.JOURNAL_MIN_FREE_BYTES) + " is not above the " +
                    JournalPretouchAgent.DEFAULT_AHEAD_BYTES + " bytes the journal's pretoucher populates ahead of " +
                    "the writer: on a file system that small or that full those pages take the headroom themselves, " +
                    "and requests get 507 journal_full though the journal has room; set it above " +
                    JournalPretouchAgent.DEFAULT_AHEAD_BYTES);
            }
        }

        /** A whole-number setting as a message names it: label and value, and whether the value is its default. */
        private String stated(final GatewaySetting setting)
        {
            return setting.label() + " " + numbers.get(setting) + (given.contains(setting) ? "" : " (its default)");
        }

        private InetSocketAddress bind(final GatewaySecurity security)
        {
            final GatewaySetting setting = GatewaySetting.BIND;
            final String value = text.get(setting);
            final InetSocketAddress address = hostPort(setting, value, 8080);
            if (address != null && !address.getAddress().isLoopbackAddress() && security.tokensFile().isEmpty() &&
                !security.insecure())
            {
                problems.add(setting.label() + ": refusing to bind " + value + ", which is not a loopback address, " +
                    "without tokens: anyone who reaches it could ingest, subscribe and read metrics. Set " +
                    GatewaySetting.TOKENS_FILE.label() + " (see docs/security.md), or set " +
                    GatewaySetting.INSECURE.envName() + "=1 (or pass " + GatewaySetting.INSECURE.flag() +
                    ") to expose it without authentication; to stay local, bind 127.0.0.1:" + address.getPort());
                return null;
            }
            return address;
        }

        /** The F1 UDP source's address: host:port; no token can travel with a datagram, so off loopback only with INSECURE. */
        private InetSocketAddress udpBind(final String value, final GatewaySecurity security)
        {
            final GatewaySetting setting = GatewaySetting.UDP_BIND;
            final InetSocketAddress address = hostPort(setting, value, 20777);
            if (address != null && !address.getAddress().isLoopbackAddress() && !security.insecure())
            {
                problems.add(setting.label() + ": refusing to receive UDP on " + value + ", which is not a loopback " +
                    "address: a datagram carries no token, so anyone who reaches the port could write frames. Set " +
                    GatewaySetting.INSECURE.envName() + "=1 (or pass " + GatewaySetting.INSECURE.flag() + ") to " +
                    "accept that (docs/f1.md), or receive on 127.0.0.1:" + address.getPort());
                return null;
            }
            return address;
        }

        /**
         * {@code host:port} (an IPv6 literal in brackets, {@code [::1]:8080}) as an address, or null after adding
         * the problem; {@code examplePort} goes into the message that shows the form.
         */
        private InetSocketAddress hostPort(final GatewaySetting setting, final String value, final int examplePort)
        {
            final int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1)
            {
                problems.add(setting.label() + ": '" + value + "' must be host:port, e.g. 127.0.0.1:" + examplePort);
                return null;
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]"))
            {
                host = host.substring(1, host.length() - 1);
            }
            final int port;
            try
            {
                port = Integer.parseInt(value.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                problems.add(setting.label() + ": port '" + value.substring(colon + 1) + "' is not a number");
                return null;
            }
            if (port < 0 || port > 65_535)
            {
                problems.add(setting.label() + ": port " + port + " is outside 0..65535");
                return null;
            }
            try
            {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            }
            catch (final UnknownHostException ex)
            {
                problems.add(setting.label() + ": host '" + host + "' does not resolve");
                return null;
            }
        }

        private boolean bool(final GatewaySetting setting)
        {
            final String value = text.get(setting).toLowerCase(Locale.ROOT);
            switch (value)
            {
                case "1":
                case "true":
                case "yes":
                    return true;
                case "":
                case "0":
                case "false":
                case "no":
                    return false;
                default:
                    problems.add(setting.label() + ": '" + value + "' must be 1 or 0");
                    return false;
            }
        }

        private String nonEmpty(final GatewaySetting setting)
        {
            final String value = text.get(setting);
            if (value.isEmpty())
            {
                problems.add(setting.label() + ": must not be empty");
                return ".";
            }
            return value;
        }

        private Optional<String> optional(final GatewaySetting setting)
        {
            final String value = text.get(setting);
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        private String aeronChannel(final GatewaySetting setting, final String value)
        {
            for (final String problem : AeronUdpChannel.problems(value))
            {
                problems.add(setting.label() + ": '" + value + "': " + problem);
            }
            return value;
        }

        /**
         * SHIP_AERON_DIR as a path, after checking that the shipper can use it: its parent (where the media driver's
         * lock file goes) a writable directory, or one that can be created under one. Before, the shipper found out
         * at start, after the journal opened, and said the directory was "in use by another media driver". (The
         * check reads only: the shipper creates the parent, and still says what it is if creating it fails.)
         */
        private Path aeronDirectory(final String value)
        {
            final GatewaySetting setting = GatewaySetting.SHIP_AERON_DIR;
            final Path directory = Path.of(value);
            final Path absolute = directory.toAbsolutePath().normalize();
            final Path parent = absolute.getParent();
            if (parent == null)
            {
                problems.add(setting.label() + ": " + absolute + " has no parent directory for the media driver's " +
                    "lock file: give a directory under one");
                return directory;
            }
            if (Files.exists(absolute) && !Files.isDirectory(absolute))
            {
                problems.add(setting.label() + ": " + absolute + " is not a directory");
                return directory;
            }
            Path existing = parent;
            while (existing != null && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            final String missing = parent.equals(existing) ? "" : "its parent " + parent + " does not exist and cannot " +
                "be created: ";
            if (existing == null || !Files.isDirectory(existing))
            {
                problems.add(setting.label() + ": " + absolute + ": " + missing + (existing == null ? "no directory " +
                    "above it exists" : existing + " is not a directory"));
            }
            else if (!Files.isWritable(existing))
            {
                problems.add(setting.label() + ": " + absolute + ": " + (missing.isEmpty() ? "its parent " + parent +
                    " is not writable (the media driver's lock file goes there)" : missing + existing +
                    " is not writable"));
            }
            return directory;
        }

        /**
         * PARQUET_DIR as a path, after checking that the sink can make it: a directory, or one that can be created
         * under the nearest existing one. Before, a file there (or above it) started a gateway whose Parquet sink
         * failed on every attempt ("Not a directory; starting again in 100 ms") and wrote nothing, for as long as it
         * ran.
         */
        private Path parquetDirectory(final String value)
        {
            final Path directory = Path.of(value);
            Path existing = directory.toAbsolutePath().normalize();
            while (existing != null && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing))
            {
                problems.add(GatewaySetting.PARQUET_DIR.label() + ": " + value + ": " + existing + " is not a " +
                    "directory (give a directory, or one that can be created)");
            }
            return directory;
        }

        private TlsProvider tlsProvider()
        {
            try
            {
                return TlsProvider.parse(text.get(GatewaySetting.TLS_PROVIDER));
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(GatewaySetting.TLS_PROVIDER.label() + ": " + ex.getMessage());
                return TlsProvider.JDK;
            }
        }

        private AeronIdleStrategy idleStrategy(final GatewaySetting setting)
        {
            try
            {
                return AeronIdleStrategy.parse(text.get(setting));
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(setting.label() + ": " + ex.getMessage());
                return AeronIdleStrategy.BACKOFF;
            }
        }

        private String url(final String value)
        {
            String host = null;
            try
            {
                host = new java.net.URI(value).getHost();
            }
            catch (final java.net.URISyntaxException ex)
            {
                // Said below, naming the setting: before, the URI's own words stopped the start without it
                // ("pitgun gateway: Expected authority at index 7: http://").
            }
            if (!(value.startsWith("http://") || value.startsWith("https://")) || host == null)
            {
                problems.add(GatewaySetting.RUN_REGISTRY_URL.label() + ": '" + value +
                    "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8090/runs");
            }
            return value;
        }

        /** A setting passed through to the pipeline, parsed and checked by its {@code PipelineSetting}. */
        private Object pipelineValue(final GatewaySetting setting)
        {
            return pipelineValue(setting, setting.pipelineSetting()::problem);
        }

        /** A setting passed through to the pipeline, parsed by its {@code PipelineSetting}, checked by {@code check}
         *  (its problem with a value, or null). */
        private Object pipelineValue(final GatewaySetting setting, final Function<Object, String> check)
        {
            final PipelineSetting pipelineSetting = setting.pipelineSetting();
            try
            {
                final Object value = pipelineSetting.parse(text.get(setting));
                final String problem = check.apply(value);
                if (problem != null)
                {
                    problems.add(setting.label() + ": " + problem);
                }
                else if (value instanceof Number number)
                {
                    numbers.put(setting, number.longValue());
                }
                return value;
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(setting.label() + ": " + ex.getMessage());
                return pipelineSetting.defaultValue();
            }
        }

        /** A whole number within the setting's range (and a power of two where the range says so). */
        private int integer(final GatewaySetting setting)
        {
            final long min = setting.range().min();
            final long max = setting.range().max();
            final String value = text.get(setting);
            try
            {
                final long parsed = Long.parseLong(value.replace("_", ""));
                if (parsed < min || parsed > max)
                {
                    problems.add(setting.label() + ": " + parsed + " is outside " + min + ".." + max);
                    return (int)min;
                }
                if (setting.range().powerOfTwo() && Long.bitCount(parsed) != 1)
                {
                    problems.add(setting.label() + ": " + parsed + " must be a power of two");
                }
                else
                {
                    numbers.put(setting, parsed);
                }
                return (int)parsed;
            }
            catch (final NumberFormatException ex)
            {
                problems.add(setting.label() + ": '" + value + "' is not a whole number");
                return (int)min;
            }
        }

        // In the order given (the first key named is the first listed in messages).
        private List<Path> trustFiles()
        {
            final List<Path> files = new ArrayList<>();
            final String value = text.get(GatewaySetting.TRUST);
            for (final String part : value.split(","))
            {
                if (!part.isBlank())
                {
                    files.add(Path.of(part.trim()));
                }
            }
            if (files.isEmpty() && !value.isEmpty())
            {
                // Set, but naming no key (TRUST="$KEYS," with KEYS empty): running unsigned manifests would be the
                // opposite of what was asked for.
                problems.add(GatewaySetting.TRUST.label() + ": '" + value + "' names no public key file; give at " +
                    "least one (or leave it unset to run without signature checks)");
            }
            return List.copyOf(files);
        }

        /** {@link #addresses}, each as the client identity a peer of that address has (all loopback ones alike). */
        private Set<String> identities(final GatewaySetting setting)
        {
            final Set<String> values = new TreeSet<>();
            for (final String address : addresses(setting))
            {
                values.add(ClientAddresses.identity(address));
            }
            return Set.copyOf(values);
        }

        /**
         * {@link #addresses}, each an IP address literal: a peer is compared by its address, so a host name or a
         * malformed address ({@code 10.0.0.300}) could never match. Before, one was taken without a word, and the
         * proxy's {@code X-Forwarded-For} was ignored: every client behind it shared the proxy's rate-limit bucket.
         */
        private Set<String> proxies(final GatewaySetting setting)
        {
            for (final String part : text.get(setting).split(","))
            {
                final String trimmed = part.trim();
                final String literal = trimmed.startsWith("[") && trimmed.endsWith("]") ?
                    trimmed.substring(1, trimmed.length() - 1) : trimmed;
                boolean address = ClientAddresses.isIpLiteral(literal);
                if (address)
                {
                    try
                    {
                        InetAddress.getByName(literal); // a literal: parsed, never looked up
                    }
                    catch (final UnknownHostException ex)
                    {
                        address = false;
                    }
                }
                if (!trimmed.isEmpty() && !address)
                {
                    problems.add(setting.label() + ": '" + trimmed + "' is not an IP address; give each proxy's " +
                        "address as its connections come from, e.g. 10.0.0.5 or ::1 (a host name is not looked up)");
                }
            }
            return addresses(setting);
        }

        /** Comma-separated client addresses (or token ids), each address in the form peers are compared in. */
        private Set<String> addresses(final GatewaySetting setting)
        {
            final Set<String> values = new TreeSet<>();
            for (final String part : text.get(setting).split(","))
            {
                if (!part.isBlank())
                {
                    values.add(ClientAddresses.canonical(part.trim()));
                }
            }
            return Set.copyOf(values);
        }

        /** Comma-separated origins, {@code scheme://host[:port]}, lower case as browsers send them. */
        private Set<String> origins(final GatewaySetting setting)
        {
            final Set<String> values = new TreeSet<>();
            for (final String part : text.get(setting).split(","))
            {
                final String origin = part.trim().toLowerCase(Locale.ROOT);
                if (origin.isEmpty())
                {
                    continue;
                }
                if (!(origin.startsWith("http://") || origin.startsWith("https://")) || origin.endsWith("/") ||
                    origin.indexOf('/', origin.indexOf("//") + 2) >= 0)
                {
                    problems.add(setting.label() + ": '" + part.trim() + "' is not an origin; write " +
                        "scheme://host[:port], e.g. https://dash.example.com");
                    continue;
                }
                values.add(origin);
            }
            return Set.copyOf(values);
        }
    }
}
