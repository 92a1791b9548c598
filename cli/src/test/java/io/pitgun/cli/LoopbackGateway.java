package io.pitgun.cli;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** The real gateway for CLI tests: a free loopback port, a journal under {@code dataDir}, no per-client limit. */
final class LoopbackGateway
{
    private LoopbackGateway()
    {
    }

    static GatewayServer start(final Path dataDir) throws Exception
    {
        return start(dataDir, Map.of());
    }

    /** With {@code settings} too (e.g. a token file, or a fixed {@code BIND} to start again on the same port). */
    static GatewayServer start(final Path dataDir, final Map<GatewaySetting, String> settings) throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.putAll(settings);
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        return GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
    }
}
