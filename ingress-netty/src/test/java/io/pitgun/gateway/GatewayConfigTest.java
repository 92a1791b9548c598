package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class GatewayConfigTest
{
    @RegisterExtension
    final CapturedLog log = new CapturedLog(GatewayConfig.class);

    @Test
    void shouldBindLoopback8080WithNoEnvironment()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of(), Map.of());
        assertEquals("127.0.0.1", config.bind().getAddress().getHostAddress());
        assertEquals(8080, config.bind().getPort());
        assertEquals(AckMode.JOURNALED, config.ackMode());
        assertEquals(1024, config.ingestQueue());
    }

    /**
     * TRUST set to a list naming no key ({@code --trust ','}, or {@code TRUST="$KEYS,"} with KEYS empty) is refused: the
     * gateway ran an unsigned manifest with it, as though TRUST were unset, while replay, verify and the hive refuse it.
     */
    @Test
    void shouldRefuseATrustListNamingNoKey()
    {
        for (final String trust : new String[] {",", " , ", ",,"})
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
                () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_TRUST", trust,
                    "PITGUN_GATEWAY_MANIFEST", "unsigned.yaml"), Map.of()));
            assertTrue(ex.getMessage().contains("names no public key file"), ex.getMessage());
        }
        // Empty or blank is unset (PITGUN_GATEWAY_TRUST= in an environment file): no signature checks.
        assertTrue(GatewayConfig.resolve(Map.of(), Map.of()).trust().isEmpty());
        assertTrue(GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_TRUST", " "), Map.of()).trust().isEmpty());
    }

    @Test
    void shouldRefuseNonLoopbackBindAndSayHowToAllowIt()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:8080"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_TOKENS_FILE (--tokens-file)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_INSECURE=1"), ex.getMessage());
        assertTrue(ex.getMessage().contains("0.0.0.0:8080"), ex.getMessage());
    }

    @Test
    void shouldAllowNonLoopbackBindWhenInsecureIsSaid()
    {
        final GatewayConfig config = GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:9000", "PITGUN_GATEWAY_INSECURE", "1"), Map.of());
        assertEquals(9000, config.bind().getPort());
        assertTrue(config.security().insecure());
    }

    @Test
    void shouldTakeTheDeprecatedAllowNonLoopbackAsInsecure()
    {
        final GatewayConfig config = GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:9000", "PITGUN_GATEWAY_ALLOW_NON_LOOPBACK", "1"), Map.of());
        assertEquals(9000, config.bind().getPort());
        assertTrue(config.security().insecure());
    }

    @Test
    void shouldAllowNonLoopbackBindWithTokens()
    {
        final GatewayConfig config = GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_BIND", "0.0.0.0:9000", "PITGUN_GATEWAY_TOKENS_FILE", "tokens.json"), Map.of());
        assertEquals(9000, config.bind().getPort());
        assertTrue(config.security().tokensOn());
        assertFalse(config.security().insecure());
    }

    @Test
    void shouldWriteConfiguredAddressesAsPeersAreWritten()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_RESTRICTED_CLIENTS",
            "::1, [::ffff:10.0.0.1], 10.0.0.2, ci-rig", "PITGUN_GATEWAY_TRUSTED_PROXIES", "::1"), Map.of());
        // A restricted client is an identity: every loopback address is the one client "loopback".
        assertEquals(Set.of(ClientAddresses.LOOPBACK, "10.0.0.1", "10.0.0.2", "ci-rig"), config.restrictedClients());
        assertEquals(Set.of("0:0:0:0:0:0:0:1"), config.security().trustedProxies());
    }

    @Test
    void shouldRefuseAnOriginThatIsNotSchemeHostPort()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_ALLOWED_ORIGINS", "https://ok.example:8443, dash.example, https://x.example/"),
            Map.of()));
        assertEquals(2, ex.problems().size(), ex.getMessage());
        assertTrue(ex.getMessage().contains("'dash.example' is not an origin"), ex.getMessage());
    }

    /**
     * An empty variable, as a compose file writes one it passes through unset, is an unset one for every setting
     * (and deprecated name): the default applies. Before, PITGUN_GATEWAY_IO_THREADS= refused the start ("'' is not
     * a whole number").
     */
    @Test
    void shouldTakeAnEmptyVariableAsUnset()
    {
        final GatewayConfig defaults = GatewayConfig.defaults();
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            for (final String name : new String[] {setting.envName(), setting.aliasEnvName()})
            {
                for (final String empty : new String[] {"", " \t"})
                {
                    if (name != null)
                    {
                        assertEquals(defaults, GatewayConfig.resolve(Map.of(name, empty), Map.of()), name);
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseAGatewayVariableThatNamesNoSettingAndNameTheClosest()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_MAX_CONECTIONS", "5", "PITGUN_GATEWAY_FROBNICATE", "1",
                "PITGUN_GATEWAY_RING_SLOTS", "64", "PITGUN_TOKEN", "t", "HOME", "/root"), Map.of()));
        assertEquals(List.of("PITGUN_GATEWAY_FROBNICATE is not a gateway setting; unset it, or see pitgun gateway " +
                "--help for every PITGUN_GATEWAY_* variable",
            "PITGUN_GATEWAY_MAX_CONECTIONS is not a gateway setting (did you mean PITGUN_GATEWAY_MAX_CONNECTIONS?); " +
                "unset it, or see pitgun gateway --help for every PITGUN_GATEWAY_* variable"), ex.problems());
    }

    @Test
    void shouldRefuseADurationThatWouldWrapIntoItsBounds()
    {
        // (2^58 + 10) s is 10 s after the multiplication by 10^6 wraps: it once started a gateway ending idle
        // streams after 10 s.
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of(), Map.of(GatewaySetting.STREAM_IDLE_TIMEOUT, "288230376151711754s")));
        assertTrue(ex.getMessage().startsWith("PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT (--stream-idle-timeout): must be " +
            "a duration") && ex.getMessage().contains("288230376151711754s, which is too large"), ex.getMessage());
    }

    @Test
    void shouldRefuseAParquetDirectoryThatIsAFileOrUnderOne(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("file"), "x");
        for (final Path parquet : List.of(file, file.resolve("runs")))
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
                Map.of("PITGUN_GATEWAY_PARQUET_DIR", parquet.toString()), Map.of()));
            assertEquals(List.of("PITGUN_GATEWAY_PARQUET_DIR (--parquet-dir): " + parquet + ": " + file +
                " is not a directory (give a directory, or one that can be created)"), ex.problems());
        }
        assertEquals(dir.resolve("new/parquet"), GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_PARQUET_DIR", dir.resolve("new/parquet").toString()), Map.of()).parquetDir().get());
    }

    @Test
    void shouldRefuseATrustedProxyThatIsNotAnAddressAndARegistryUrlWithoutAHost()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_TRUSTED_PROXIES", "10.0.0.5, proxy.example, 10.0.0.300, [::1]",
                "PITGUN_GATEWAY_RUN_REGISTRY_URL", "http://"), Map.of()));
        assertEquals(List.of("PITGUN_GATEWAY_TRUSTED_PROXIES (--trusted-proxies): 'proxy.example' is not an IP " +
                "address; give each proxy's address as its connections come from, e.g. 10.0.0.5 or ::1 (a host name " +
                "is not looked up)",
            "PITGUN_GATEWAY_TRUSTED_PROXIES (--trusted-proxies): '10.0.0.300' is not an IP address; give each " +
                "proxy's address as its connections come from, e.g. 10.0.0.5 or ::1 (a host name is not looked up)",
            "PITGUN_GATEWAY_RUN_REGISTRY_URL (--run-registry-url): 'http://' must be an http:// or https:// URL with " +
                "a host, e.g. http://127.0.0.1:8090/runs"), ex.problems());
        assertEquals(Set.of("10.0.0.5", "0:0:0:0:0:0:0:1"), GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_TRUSTED_PROXIES", "10.0.0.5,[::1]"), Map.of()).security().trustedProxies());
    }

    @Test
    void shouldLetFlagsWinOverEnvironment()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_ACK_MODE", "journaled",
            "PITGUN_GATEWAY_RATE_LIMIT", "5"), Map.of(GatewaySetting.ACK_MODE, "accepted"));
        assertEquals(AckMode.ACCEPTED, config.ackMode());
        assertEquals(5, config.rateLimitPerSecond());
    }

    @Test
    void shouldListEveryBadSettingByName()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_ACK_MODE", "sometimes", "PITGUN_GATEWAY_RING_SLOTS", "1000",
                "PITGUN_GATEWAY_BIND", "localhost"), Map.of()));
        assertEquals(3, ex.problems().size(), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_ACK_MODE (--ack-mode)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains("must be host:port"), ex.getMessage());
    }

    @Test
    void shouldBuildTheShipperConfigFromEveryShipSetting()
    {
        assertTrue(GatewayConfig.defaults().shipper().isEmpty(), "no SHIP_TO: no shipping");
        final io.pitgun.scaleout.ShipperConfig shipper = GatewayConfig.resolve(Map.of(
            "PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456",
            "PITGUN_GATEWAY_SHIP_STREAM_ID", "7", "PITGUN_GATEWAY_SHIP_AERON_DIR", "/tmp/edge-aeron",
            "PITGUN_GATEWAY_SHIP_SECRET_FILE", "/tmp/edge-secret"), Map.of(
            GatewaySetting.SHIP_REPLY_STREAM_ID, "8", GatewaySetting.SHIP_IDLE_STRATEGY, "BUSY_SPIN",
            GatewaySetting.SHIP_BATCH_SIZE, "64", GatewaySetting.SHIP_FLUSH_INTERVAL_MS, "3",
            GatewaySetting.SHIP_ACK_TIMEOUT_MS, "750")).shipper().orElseThrow();
        assertEquals(new io.pitgun.scaleout.ShipperConfig("aeron:udp?endpoint=127.0.0.1:40456", 7,
            io.pitgun.scaleout.ShipperConfig.DEFAULT_REPLY_CHANNEL, 8, 64, 3_000_000L, 750_000_000L,
            java.nio.file.Path.of("/tmp/edge-aeron"), io.pitgun.scaleout.AeronIdleStrategy.BUSY_SPIN,
            java.nio.file.Path.of("/tmp/edge-secret")), shipper);
        assertEquals(io.pitgun.scaleout.ShipperConfig.DEFAULT_ACK_TIMEOUT_NS, GatewayConfig.resolve(Map.of(
            "PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456"), Map.of()).shipper().orElseThrow()
            .ackTimeoutNs(), "the setting's default is the shipper's");
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_SHIP_IDLE_STRATEGY", "lazy", "PITGUN_GATEWAY_SHIP_STREAM_ID", "0",
                "PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456"), Map.of()));
        assertEquals(2, ex.problems().size(), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SHIP_IDLE_STRATEGY (--ship-idle-strategy): 'lazy' is " +
            "not an idle strategy (backoff, sleeping, yielding, busy_spin)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SHIP_STREAM_ID (--ship-stream-id): 0 is outside"),
            ex.getMessage());
    }

    @Test
    void shouldNameTheShipSettingOfAnAddressAeronWouldRefuseAndOneSetWithoutShipTo()
    {
        // Before: Aeron's own words at start ("port out of range:99999", "unresolved - endpoint=999.0.0.1:0"), and a
        // secret file or Aeron directory without SHIP_TO accepted without a word.
        for (final String bad : new String[] {"aeron:udp?endpoint=127.0.0.1:99999", "aeron:udp?endpoint=999.0.0.1:0",
            "aeron:udp?endpoint=127.0.0.1", "aeron:udp?control=10.0.0.1:70000|control-mode=dynamic"})
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
                Map.of("PITGUN_GATEWAY_SHIP_TO", bad), Map.of()), bad);
            assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SHIP_TO (--ship-to): '" + bad + "'") &&
                ex.getMessage().contains("must be host:port"), ex.getMessage());
        }
        final GatewayConfigException reply = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456",
                "PITGUN_GATEWAY_SHIP_REPLY", "aeron:udp?endpoint=999.0.0.1:0"), Map.of()));
        assertTrue(reply.getMessage().contains("PITGUN_GATEWAY_SHIP_REPLY (--ship-reply)"), reply.getMessage());
        for (final String good : new String[] {"aeron:udp?endpoint=127.0.0.1:40456", "aeron:udp?endpoint=hive.local:0",
            "aeron:udp?endpoint=[::1]:40456|mtu=1408"})
        {
            assertTrue(GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_SHIP_TO", good), Map.of()).shipper().isPresent());
        }
        final GatewayConfigException alone = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_SHIP_SECRET_FILE", "/nonexistent"), Map.of()));
        assertTrue(alone.getMessage().contains("PITGUN_GATEWAY_SHIP_SECRET_FILE (--ship-secret-file) is set but " +
            "PITGUN_GATEWAY_SHIP_TO (--ship-to) is not"), alone.getMessage());
    }

    /**
     * SHIP_AERON_DIR under a parent that does not exist and cannot be created, or under something that is not a
     * directory, is refused at start naming the setting and saying so; before, the gateway accepted it and the shipper
     * then said the directory was "in use by another media driver". A parent that does not exist yet but can be
     * created is taken: the shipper creates it.
     */
    @Test
    void shouldRefuseAShipAeronDirectoryWhoseParentIsMissingAndCannotBeCreated(@TempDir final Path dir)
        throws IOException
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        final Map<String, Path> refused = Map.of(
            "does not exist and cannot be created: " + file + " is not a directory", file.resolve("sub/aeron"),
            ": " + file + " is not a directory", file.resolve("aeron"),
            file + " is not a directory", file);
        for (final Map.Entry<String, Path> bad : refused.entrySet())
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
                Map.of("PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456",
                    "PITGUN_GATEWAY_SHIP_AERON_DIR", bad.getValue().toString()), Map.of()), bad.getValue().toString());
            assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SHIP_AERON_DIR (--ship-aeron-dir): " +
                bad.getValue()) && ex.getMessage().contains(bad.getKey()), ex.getMessage());
            assertFalse(ex.getMessage().contains("in use"), ex.getMessage());
        }
        final Path creatable = dir.resolve("not-yet/aeron");
        assertEquals(creatable, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_SHIP_TO",
            "aeron:udp?endpoint=127.0.0.1:40456", "PITGUN_GATEWAY_SHIP_AERON_DIR", creatable.toString()), Map.of())
            .shipper().orElseThrow().aeronDirectory());
        assertFalse(Files.exists(creatable.getParent()), "the check only reads");
    }

    /** As above, for a parent that cannot be written (the media driver's lock file goes there). Not as root. */
    @Test
    void shouldRefuseAShipAeronDirectoryUnderAParentItCannotWrite(@TempDir final Path dir) throws IOException
    {
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try
        {
            assumeFalse(Files.isWritable(locked), "root writes everywhere");
            for (final Path bad : new Path[] {locked.resolve("aeron"), locked.resolve("sub/aeron")})
            {
                final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
                    () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_SHIP_TO", "aeron:udp?endpoint=127.0.0.1:40456",
                        "PITGUN_GATEWAY_SHIP_AERON_DIR", bad.toString()), Map.of()), bad.toString());
                assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SHIP_AERON_DIR (--ship-aeron-dir): " + bad) &&
                    ex.getMessage().contains(locked + " is not writable"), ex.getMessage());
            }
        }
        finally
        {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * MAX_SOURCES and STREAM_IDLE_TIMEOUT reach the gateway's pipeline as its max_sources and stream_idle_timeout,
     * with their defaults (64, 60 s) and bounds (1 to 65536; 1 s to 24 h); a value out of them stops the start naming
     * the setting. Before, the gateway had neither: it always ran 64 and 60 s.
     */
    @Test
    void shouldPassMaxSourcesAndStreamIdleTimeoutToThePipelineWithinTheirBounds()
    {
        final GatewayConfig defaults = GatewayConfig.defaults();
        assertEquals(PipelineConfig.DEFAULT_MAX_SOURCES, defaults.maxSources());
        assertEquals(PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US, defaults.streamIdleTimeoutUs());
        final GatewayConfig set = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_MAX_SOURCES", "2",
            "PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT", "1h"), Map.of(GatewaySetting.STREAM_IDLE_TIMEOUT, "1500ms"));
        assertEquals(2, set.maxSources());
        assertEquals(1_500_000L, set.streamIdleTimeoutUs(), "the flag wins");
        assertEquals(65_536, GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.MAX_SOURCES, "65536",
            GatewaySetting.STREAM_IDLE_TIMEOUT, "86400s")).maxSources());
        assertEquals(1_000_000L, GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.MAX_SOURCES, "1",
            GatewaySetting.STREAM_IDLE_TIMEOUT, "1s")).streamIdleTimeoutUs());

        final Map<String, String> refused = Map.of(
            "0", "PITGUN_GATEWAY_MAX_SOURCES (--max-sources): must be between 1 and 65536, got 0",
            "65537", "PITGUN_GATEWAY_MAX_SOURCES (--max-sources): must be between 1 and 65536, got 65537",
            "many", "PITGUN_GATEWAY_MAX_SOURCES (--max-sources): 'many' is not a whole number");
        for (final Map.Entry<String, String> bad : refused.entrySet())
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
                () -> GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.MAX_SOURCES, bad.getKey())), bad.getKey());
            assertEquals(List.of(bad.getValue()), ex.problems(), ex.getMessage());
        }
        final Map<String, String> refusedTimeouts = Map.of(
            "999ms", "PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT (--stream-idle-timeout): must be between 1s and 86400s (24 hours), " +
                "got 999000us",
            "86401s", "PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT (--stream-idle-timeout): must be between 1s and 86400s (24 hours), " +
                "got 86401000000us",
            "a minute", "PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT (--stream-idle-timeout): must be a duration such as " +
                "500us, 1ms or 2s (or an integer of microseconds), got a minute");
        for (final Map.Entry<String, String> bad : refusedTimeouts.entrySet())
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
                Map.of("PITGUN_GATEWAY_STREAM_IDLE_TIMEOUT", bad.getKey()), Map.of()), bad.getKey());
            assertEquals(List.of(bad.getValue()), ex.problems(), ex.getMessage());
        }
    }

    /**
     * Both names of the ring size set: before, the new one won without a word, so an old environment file's
     * RING_SLOTS=64 beside a new one's CHANNEL_CAPACITY=32 ran a ring of 32 slots. The same value twice says one thing.
     */
    @Test
    void shouldRefuseBothNamesOfTheRingSizeWithDifferentValuesAndTakeThemEqual()
    {
        assertEquals(64, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_RING_SLOTS", "64"), Map.of()).channelCapacity());
        assertEquals(32, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_RING_SLOTS", "32",
            "PITGUN_GATEWAY_CHANNEL_CAPACITY", " 32"), Map.of()).channelCapacity());
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_RING_SLOTS", "64", "PITGUN_GATEWAY_CHANNEL_CAPACITY", "32"), Map.of()));
        assertEquals(List.of("PITGUN_GATEWAY_CHANNEL_CAPACITY=32 and PITGUN_GATEWAY_RING_SLOTS=64, its deprecated " +
            "name, are both set, to different values: set PITGUN_GATEWAY_CHANNEL_CAPACITY alone"), ex.problems());
    }

    /**
     * A bound set above the one that contains it: before, the start went on without a word, the smaller bound in
     * force and the larger one saying nothing. Set both, so by the operator, it is refused naming both, as every
     * other refusal of the configuration; equal is no contradiction.
     */
    @Test
    void shouldRefuseABoundSetAboveTheOneThatContainsItWhenBothAreSet()
    {
        final Map<Map<String, String>, String> contradictions = Map.of(
            Map.of("PITGUN_GATEWAY_MAX_CONNECTIONS", "100", "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER", "500"),
            "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER (--max-connections-per-peer) 500 is above " +
                "PITGUN_GATEWAY_MAX_CONNECTIONS (--max-connections) 100, which bounds it",
            Map.of("PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES", "67108864",
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES", "8388608"),
            "PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES (--outbound-limit-bytes) 67108864 is above " +
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (--outbound-total-limit-bytes) 8388608, which bounds it",
            Map.of("PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES", "268435456",
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES", "134217728"),
            "PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (--subscriber-buffer-bytes) 268435456 is above " +
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (--outbound-total-limit-bytes) 134217728, which bounds it",
            Map.of("PITGUN_GATEWAY_MAX_ENVELOPE_BYTES", "8388608", "PITGUN_GATEWAY_MAX_BODY_BYTES", "4194304"),
            "PITGUN_GATEWAY_MAX_ENVELOPE_BYTES (--max-envelope-bytes) 8388608 is above " +
                "PITGUN_GATEWAY_MAX_BODY_BYTES (--max-body-bytes) 4194304 and PITGUN_GATEWAY_MAX_WS_FRAME_BYTES " +
                "(--max-ws-frame-bytes) 1048576 (its default), which bound it");
        for (final Map.Entry<Map<String, String>, String> contradiction : contradictions.entrySet())
        {
            final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
                () -> GatewayConfig.resolve(contradiction.getKey(), Map.of()), contradiction.getValue());
            assertEquals(1, ex.problems().size(), ex.getMessage());
            assertTrue(ex.getMessage().startsWith(contradiction.getValue()), ex.getMessage());
        }
        // A flag is as much the operator's as a variable.
        final GatewayConfigException flag = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_MAX_CONNECTIONS", "100"), Map.of(GatewaySetting.MAX_CONNECTIONS_PER_PEER, "101")));
        assertTrue(flag.getMessage().startsWith("PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER " +
            "(--max-connections-per-peer) 101 is above"), flag.getMessage());

        final GatewayConfig equal = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_MAX_CONNECTIONS", "100",
            "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER", "100", "PITGUN_GATEWAY_MAX_ENVELOPE_BYTES", "4194304",
            "PITGUN_GATEWAY_MAX_BODY_BYTES", "65536", "PITGUN_GATEWAY_MAX_WS_FRAME_BYTES", "4194304"), Map.of());
        assertEquals(100, equal.maxConnectionsPerPeer());
        assertEquals(4194304, equal.maxEnvelopeBytes(), "a WebSocket message still carries an envelope that large");
        assertTrue(log.at(Level.WARN).isEmpty(), log.at(Level.WARN).toString());
    }

    /**
     * A journal headroom not above the pretoucher's 8 MiB starts with a warning naming the pretoucher: a black-box
     * run gave 1 MiB on an 8 MiB tmpfs, and the pages populated ahead of the writer took the headroom, every request
     * after the second answered 507 though the journal had room. Before, nothing was said. 0 (no check) and the
     * default say nothing.
     */
    @Test
    void shouldWarnOfAJournalHeadroomThePretoucherCanTakeByItself()
    {
        GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.JOURNAL_MIN_FREE_BYTES, "0"));
        GatewayConfig.resolve(Map.of(), Map.of());
        assertTrue(log.at(Level.WARN).isEmpty(), log.at(Level.WARN).toString());

        assertEquals(1048576, GatewayConfig.resolve(Map.of(),
            Map.of(GatewaySetting.JOURNAL_MIN_FREE_BYTES, "1048576")).journalMinFreeBytes());
        assertEquals(List.of("PITGUN_GATEWAY_JOURNAL_MIN_FREE_BYTES (--journal-min-free-bytes) 1048576 is not above " +
            "the 8388608 bytes the journal's pretoucher populates ahead of the writer: on a file system that small " +
            "or that full those pages take the headroom themselves, and requests get 507 journal_full though the " +
            "journal has room; set it above 8388608"),
            log.at(Level.WARN).stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    /**
     * Only one of a bound and the one that contains it set, above the other's default (or below it): the start goes
     * on, as it did (MAX_CONNECTIONS=100 alone is no mistake), the values as given, and one warning line says which
     * bound is in force. Set below the other's default, as the benchmarks' --max-connections-per-peer 1024, nothing.
     */
    @Test
    void shouldStartWithOneWarningWhenABoundIsAboveTheOtherOnesDefault()
    {
        assertEquals(1024, GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.MAX_CONNECTIONS_PER_PEER, "1024"))
            .maxConnectionsPerPeer());
        assertEquals(4096, GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_MAX_BODY_BYTES", "4096"), Map.of())
            .maxBodyBytes());
        assertTrue(log.at(Level.WARN).isEmpty(), log.at(Level.WARN).toString());

        final GatewayConfig total = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_MAX_CONNECTIONS", "100"), Map.of());
        assertEquals(100, total.maxConnections());
        assertEquals(256, total.maxConnectionsPerPeer());
        GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER", "4096"), Map.of());
        GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES", "2048"), Map.of());
        GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.SUBSCRIBER_BUFFER_BYTES, "268435456"));
        GatewayConfig.resolve(Map.of(), Map.of(GatewaySetting.MAX_ENVELOPE_BYTES, "8388608"));
        assertEquals(List.of(
            "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER (--max-connections-per-peer) 256 (its default) is above " +
                "PITGUN_GATEWAY_MAX_CONNECTIONS (--max-connections) 100, which bounds it (a client address's " +
                "connections count toward the total): 100 is the bound in force, not 256; set " +
                "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER at or below 100 to say so",
            "PITGUN_GATEWAY_MAX_CONNECTIONS_PER_PEER (--max-connections-per-peer) 4096 is above " +
                "PITGUN_GATEWAY_MAX_CONNECTIONS (--max-connections) 2048 (its default), which bounds it (a client " +
                "address's connections count toward the total): 2048 is the bound in force, not 4096; raise " +
                "PITGUN_GATEWAY_MAX_CONNECTIONS to at least 4096 for it to count",
            "PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES (--outbound-limit-bytes) 4194304 (its default) is above " +
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (--outbound-total-limit-bytes) 2048, which bounds it " +
                "(the total closes the connection holding the most, within 100 ms): 2048 is the bound in force, not " +
                "4194304; set PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES at or below 2048 to say so",
            "PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (--subscriber-buffer-bytes) 1048576 (its default) is above " +
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (--outbound-total-limit-bytes) 2048, which bounds it " +
                "(the total closes the connection holding the most, within 100 ms): 2048 is the bound in force, not " +
                "1048576; set PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES at or below 2048 to say so",
            "PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (--subscriber-buffer-bytes) 268435456 is above " +
                "PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES (--outbound-total-limit-bytes) 134217728 (its default), " +
                "which bounds it (the total closes the connection holding the most, within 100 ms): 134217728 is the " +
                "bound in force, not 268435456; raise PITGUN_GATEWAY_OUTBOUND_TOTAL_LIMIT_BYTES to at least " +
                "268435456 for it to count",
            "PITGUN_GATEWAY_MAX_ENVELOPE_BYTES (--max-envelope-bytes) 8388608 is above PITGUN_GATEWAY_MAX_BODY_BYTES " +
                "(--max-body-bytes) 4194304 (its default) and PITGUN_GATEWAY_MAX_WS_FRAME_BYTES " +
                "(--max-ws-frame-bytes) 1048576 (its default), which bound it (an envelope arrives in a POST body " +
                "or a WebSocket message): 4194304 is the bound in force, not 8388608; raise " +
                "PITGUN_GATEWAY_MAX_BODY_BYTES or PITGUN_GATEWAY_MAX_WS_FRAME_BYTES to at least 8388608 for it to " +
                "count"),
            log.at(Level.WARN).stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void shouldPassTheWaitStrategyThroughToThePipeline()
    {
        assertEquals(io.pitgun.engine.WaitStrategyKind.BACKOFF, GatewayConfig.defaults().waitStrategy());
        assertEquals(io.pitgun.engine.WaitStrategyKind.YIELDING, GatewayConfig.resolve(Map.of(), Map.of(
            GatewaySetting.WAIT_STRATEGY, "yielding")).waitStrategy());
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_WAIT_STRATEGY", "fast"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_WAIT_STRATEGY (--wait-strategy)"), ex.getMessage());
    }

    @Test
    void shouldCheckPassThroughSettingsAsThePipelineDoes()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of("PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES", "1000"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (--subscriber-buffer-bytes): " +
            io.pitgun.engine.PipelineSetting.SUBSCRIBER_BUFFER_BYTES.problem(1000)), ex.getMessage());
        assertEquals(io.pitgun.engine.PipelineConfig.DEFAULT_CHANNEL_CAPACITY, GatewayConfig.defaults().channelCapacity());
    }

    @Test
    void shouldReceiveNoGameTelemetryUnlessAskedTo()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of(), Map.of());
        assertTrue(config.udpBind().isEmpty());
        assertFalse(config.udpAllCars());
    }

    @Test
    void shouldTakeTheUdpAddressFromTheEnvironmentOrTheUdpFlag()
    {
        assertEquals("--udp", GatewaySetting.UDP_BIND.flag());
        assertEquals("PITGUN_GATEWAY_UDP_BIND", GatewaySetting.UDP_BIND.envName());
        final GatewayConfig fromEnv = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_UDP_BIND", "127.0.0.1:20777",
            "PITGUN_GATEWAY_UDP_ALL_CARS", "1"), Map.of());
        assertEquals(20777, fromEnv.udpBind().orElseThrow().getPort());
        assertTrue(fromEnv.udpAllCars());
        final GatewayConfig fromFlag = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_UDP_BIND", "127.0.0.1:20777"),
            Map.of(GatewaySetting.UDP_BIND, "127.0.0.1:20778"));
        assertEquals(20778, fromFlag.udpBind().orElseThrow().getPort());
    }

    @Test
    void shouldRefuseANonLoopbackUdpAddressUnlessInsecureIsSaid()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_UDP_BIND", "0.0.0.0:20777"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_UDP_BIND (--udp)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_INSECURE=1"), ex.getMessage());
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_UDP_BIND", "0.0.0.0:20777",
            "PITGUN_GATEWAY_INSECURE", "1", "PITGUN_GATEWAY_BIND", "127.0.0.1:8080"), Map.of());
        assertEquals(20777, config.udpBind().orElseThrow().getPort());
    }

    @Test
    void shouldRefuseAUdpAddressWithoutAPort()
    {
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_UDP_BIND", "127.0.0.1"), Map.of()));
        assertTrue(ex.getMessage().contains("must be host:port, e.g. 127.0.0.1:20777"), ex.getMessage());
    }

    @Test
    void shouldTakeTheDatabaseSinksAndRefuseWhatTheyCannotUse()
    {
        final GatewayConfig config = GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_QUESTDB", "http::addr=127.0.0.1:9000;",
            "PITGUN_GATEWAY_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/pitgun?user=pitgun"), Map.of());
        assertEquals("http::addr=127.0.0.1:9000;", config.questDb().orElseThrow());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/pitgun?user=pitgun", config.postgresUrl().orElseThrow());
        assertTrue(GatewayConfig.defaults().questDb().isEmpty() && GatewayConfig.defaults().postgresUrl().isEmpty());

        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> GatewayConfig.resolve(Map.of("PITGUN_GATEWAY_QUESTDB", "tcp::addr=127.0.0.1:9009;",
                "PITGUN_GATEWAY_POSTGRES_URL", "postgres://u:secret@127.0.0.1/pitgun"), Map.of()));
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_QUESTDB (--questdb): must be an ILP configuration over " +
            "HTTP"), ex.getMessage());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_POSTGRES_URL (--postgres-url): must be a " +
            "jdbc:postgresql: URL"), ex.getMessage());
        assertTrue(!ex.getMessage().contains("secret"), "the URL's password is not repeated: " + ex.getMessage());
    }
}
