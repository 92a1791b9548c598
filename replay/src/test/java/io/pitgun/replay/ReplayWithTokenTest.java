package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.gateway.Capability;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.gateway.TokenFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A replay into a gateway with a token file presents its token, over HTTP and over the WebSocket. */
class ReplayWithTokenTest
{
    private static final Path SAMPLE = Path.of("..", "datasets", "sim-session-monza.csv");
    private static final int ROWS = 200;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = { false, true })
    void shouldReplayIntoAGatewayWithTokens(final boolean webSocket) throws Exception
    {
        final Path slice = dir.resolve("slice.csv");
        try (BufferedReader in = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(slice, StandardCharsets.UTF_8))
        {
            for (int i = 0; i <= ROWS; i++)
            {
                out.write(in.readLine());
                out.write('\n');
            }
        }
        final Path tokens = dir.resolve("tokens.json");
        final String token = TokenFile.add(tokens, "replay", EnumSet.of(Capability.INGEST), 0);
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dir.resolve("data").toString());
        flags.put(GatewaySetting.TOKENS_FILE, tokens.toString());
        final GatewayServer server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags));
        final ByteArrayOutputStream notes = new ByteArrayOutputStream();
        final ReplayStats stats;
        try
        {
            final ReplayOptions options = new ReplayOptions(
                new ReplayTarget("127.0.0.1", server.address().getPort()), slice, 50_000, false, webSocket, 25,
                false, false, true, ReplayOptions.DEFAULT_MAX_RETRIES, UUID.randomUUID(), null,
                ParameterRegistry.simV1());
            stats = new ReplayRunner(options, new PrintStream(notes, true, StandardCharsets.UTF_8),
                ReplayProgress.NONE).withToken(token).run();
        }
        finally
        {
            server.shutdown();
        }
        assertEquals(ROWS, stats.framesAcked(), () -> stats.summary("gateway") + notes);
        assertEquals(0, stats.envelopesRejected(), () -> stats.summary("gateway"));
        assertEquals(2, stats.markersAcked());
    }
}
