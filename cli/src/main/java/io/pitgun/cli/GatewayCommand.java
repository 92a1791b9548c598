package io.pitgun.cli;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pitgun gateway}: runs the HTTP/WebSocket gateway in front of an embedded pipeline until SIGTERM or
 * SIGINT, then shuts down gracefully (stop accepting, answer admitted requests, drain the ring, close the journal)
 * and exits 0. Every flag has a {@code PITGUN_GATEWAY_*} environment variable; a flag wins.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
        "Run the Pitgun gateway: POST /beacon, GET /ws, /health, /metrics, /dictionary, /schemas, /solver/.",
        "Binds 127.0.0.1:8080 by default; a non-loopback bind also needs PITGUN_GATEWAY_ALLOW_NON_LOOPBACK=1.",
        "See docs/gateway.md for every setting."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped gracefully (SIGTERM/SIGINT)", "1:the configuration was refused or the gateway could not start"})
public final class GatewayCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bind", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_BIND.")
    String bind;
    @Option(names = "--allow-non-loopback", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_ALLOW_NON_LOOPBACK.")
    String allowNonLoopback;
    @Option(names = "--data-dir", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_DATA_DIR.")
    String dataDir;
    @Option(names = "--run-registry-url", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_RUN_REGISTRY_URL.")
    String runRegistryUrl;
    @Option(names = "--manifest", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MANIFEST.")
    String manifest;
    @Option(names = "--dictionary", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_DICTIONARY.")
    String dictionary;
    @Option(names = "--ack-mode", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_ACK_MODE.")
    String ackMode;
    @Option(names = "--max-body-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_BODY_BYTES.")
    String maxBodyBytes;
    @Option(names = "--max-header-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_HEADER_BYTES.")
    String maxHeaderBytes;
    @Option(names = "--max-envelope-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_ENVELOPE_BYTES.")
    String maxEnvelopeBytes;
    @Option(names = "--max-ws-frame-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_WS_FRAME_BYTES.")
    String maxWsFrameBytes;
    @Option(names = "--ingest-queue", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_INGEST_QUEUE.")
    String ingestQueue;
    @Option(names = "--ring-slots", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_RING_SLOTS.")
    String ringSlots;
    @Option(names = "--rate-limit", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_RATE_LIMIT.")
    String rateLimit;
    @Option(names = "--rate-burst", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_RATE_BURST.")
    String rateBurst;
    @Option(names = "--idle-timeout-s", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_IDLE_TIMEOUT_S.")
    String idleTimeoutS;
    @Option(names = "--read-timeout-s", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_READ_TIMEOUT_S.")
    String readTimeoutS;
    @Option(names = "--ack-timeout-ms", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_ACK_TIMEOUT_MS.")
    String ackTimeoutMs;
    @Option(names = "--idempotency-entries", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_IDEMPOTENCY_ENTRIES.")
    String idempotencyEntries;
    @Option(names = "--idempotency-window-s", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_IDEMPOTENCY_WINDOW_S.")
    String idempotencyWindowS;
    @Option(names = "--restricted-clients", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_RESTRICTED_CLIENTS.")
    String restrictedClients;
    @Option(names = "--subscriber-buffer-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES.")
    String subscriberBufferBytes;
    @Option(names = "--io-threads", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_IO_THREADS.")
    String ioThreads;
    @Option(names = "--shutdown-timeout-s", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_SHUTDOWN_TIMEOUT_S.")
    String shutdownTimeoutS;
    @Option(names = "--journal-min-free-bytes", paramLabel = "VALUE",
        description = "Env PITGUN_GATEWAY_JOURNAL_MIN_FREE_BYTES.")
    String journalMinFreeBytes;
    @Option(names = "--max-connections", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_CONNECTIONS.")
    String maxConnections;
    @Option(names = "--max-connections-per-peer", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER.")
    String maxConnectionsPerPeer;
    @Option(names = "--outbound-high-water-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_OUTBOUND_HIGH_WATER_BYTES.")
    String outboundHighWaterBytes;
    @Option(names = "--outbound-limit-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES.")
    String outboundLimitBytes;
    @Option(names = "--outbound-total-limit-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES.")
    String outboundTotalLimitBytes;
    @Option(names = "--slow-consumer-timeout-ms", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_SLOW_CONSUMER_TIMEOUT_MS.")
    String slowConsumerTimeoutMs;
    @Option(names = "--partial-message-budget-bytes", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_PARTIAL_MESSAGE_BUDGET_BYTES.")
    String partialMessageBudgetBytes;
    @Option(names = "--queue-delay-target-ms", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_QUEUE_DELAY_TARGET_MS.")
    String queueDelayTargetMs;
    @Option(names = "--queue-delay-interval-ms", paramLabel = "VALUE", description = "Env PITGUN_GATEWAY_QUEUE_DELAY_INTERVAL_MS.")
    String queueDelayIntervalMs;

    @Override
    public Integer call() throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        put(flags, GatewaySetting.BIND, bind);
        put(flags, GatewaySetting.ALLOW_NON_LOOPBACK, allowNonLoopback);
        put(flags, GatewaySetting.DATA_DIR, dataDir);
        put(flags, GatewaySetting.RUN_REGISTRY_URL, runRegistryUrl);
        put(flags, GatewaySetting.MANIFEST, manifest);
        put(flags, GatewaySetting.DICTIONARY, dictionary);
        put(flags, GatewaySetting.ACK_MODE, ackMode);
        put(flags, GatewaySetting.MAX_BODY_BYTES, maxBodyBytes);
        put(flags, GatewaySetting.MAX_HEADER_BYTES, maxHeaderBytes);
        put(flags, GatewaySetting.MAX_ENVELOPE_BYTES, maxEnvelopeBytes);
        put(flags, GatewaySetting.MAX_WS_FRAME_BYTES, maxWsFrameBytes);
        put(flags, GatewaySetting.INGEST_QUEUE, ingestQueue);
        put(flags, GatewaySetting.RING_SLOTS, ringSlots);
        put(flags, GatewaySetting.RATE_LIMIT, rateLimit);
        put(flags, GatewaySetting.RATE_BURST, rateBurst);
        put(flags, GatewaySetting.IDLE_TIMEOUT_S, idleTimeoutS);
        put(flags, GatewaySetting.READ_TIMEOUT_S, readTimeoutS);
        put(flags, GatewaySetting.ACK_TIMEOUT_MS, ackTimeoutMs);
        put(flags, GatewaySetting.IDEMPOTENCY_ENTRIES, idempotencyEntries);
        put(flags, GatewaySetting.IDEMPOTENCY_WINDOW_S, idempotencyWindowS);
        put(flags, GatewaySetting.RESTRICTED_CLIENTS, restrictedClients);
        put(flags, GatewaySetting.SUBSCRIBER_BUFFER_BYTES, subscriberBufferBytes);
        put(flags, GatewaySetting.IO_THREADS, ioThreads);
        put(flags, GatewaySetting.SHUTDOWN_TIMEOUT_S, shutdownTimeoutS);
        put(flags, GatewaySetting.JOURNAL_MIN_FREE_BYTES, journalMinFreeBytes);
        put(flags, GatewaySetting.MAX_CONNECTIONS, maxConnections);
        put(flags, GatewaySetting.MAX_CONNECTIONS_PER_PEER, maxConnectionsPerPeer);
        put(flags, GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, outboundHighWaterBytes);
        put(flags, GatewaySetting.OUTBOUND_LIMIT_BYTES, outboundLimitBytes);
        put(flags, GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES, outboundTotalLimitBytes);
        put(flags, GatewaySetting.SLOW_CONSUMER_TIMEOUT_MS, slowConsumerTimeoutMs);
        put(flags, GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES, partialMessageBudgetBytes);
        put(flags, GatewaySetting.QUEUE_DELAY_TARGET_MS, queueDelayTargetMs);
        put(flags, GatewaySetting.QUEUE_DELAY_INTERVAL_MS, queueDelayIntervalMs);
        final GatewayConfig config = GatewayConfig.fromEnvironment(flags);
        final GatewayServer server = GatewayServer.start(config);
        spec.commandLine().getOut().println("pitgun gateway: listening on " + server.address().getHostString() + ":" +
            server.address().getPort() + " (" + server.transportName() + ", ack mode " + config.ackMode().symbol() +
            ", journal " + config.journalDirectory() + "); SIGTERM or Ctrl-C stops it gracefully");
        spec.commandLine().getOut().println("pitgun gateway: idempotency window restored " +
            server.restoredEventIds() + " event_ids from the journal");
        spec.commandLine().getOut().flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            server.shutdown();
            stopped.countDown();
        }, "pitgun-gateway-shutdown");
        // A shutdown hook runs the drain on SIGTERM/SIGINT; the JVM then exits with the status System.exit gave,
        // so the signal handlers below turn the signal into a normal exit (0) after the drain.
        Runtime.getRuntime().addShutdownHook(hook);
        SignalExit.install(stopped);
        stopped.await();
        return 0;
    }

    private static void put(final Map<GatewaySetting, String> flags, final GatewaySetting setting, final String value)
    {
        if (value != null)
        {
            flags.put(setting, value);
        }
    }
}
