package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest filter whose {@code where} reads a channel a subscriber may not read tells it about that channel
 * through which frames arrive: such a subscription is refused at the upgrade (403 {@code filter_not_readable},
 * counted), over real WebSocket upgrades, whether an access level or the token's {@code channels} allow-list
 * excludes the channel; a subscriber allowed the channel subscribes as before, and is closed (1008) once its
 * allow-list is narrowed to leave the channel out.
 */
class GatewayFilterAccessIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASubscriberWithoutReadRestrictedWhenAFilterReadsARestrictedChannel() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("filter.yaml"), manifest("Engine_Map > 3"));
        final Path tokens = dir.resolve("tokens.json");
        final String analyst = TokenFile.add(tokens, "analyst",
            EnumSet.of(Capability.SUBSCRIBE, Capability.READ_RESTRICTED), 0);
        final String viewer = TokenFile.add(tokens, "viewer", EnumSet.of(Capability.SUBSCRIBE), 0);
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final RawHttpConnection.Response refused = upgrade(gateway, viewer);
            assertEquals(403, refused.status(), refused.head());
            assertTrue(refused.body().contains("\"reason\":\"filter_not_readable\""), refused.body());
            assertTrue(refused.body().contains("the manifest's filter at /pipeline/1/where reads Engine_Map " +
                "(restricted), which this subscriber may not read (it needs a token with read_restricted)"),
                refused.body());
            assertEquals(1, gateway.server.counters().rejections(RejectReason.FILTER_NOT_READABLE));
            assertEquals(0, gateway.server.counters().openSubscribers.get());

            // A token with read_restricted may read Engine_Map, so the filter tells it nothing it may not know.
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + analyst)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), new WebSocketMessages()).get(20, TimeUnit.SECONDS);
            assertNotNull(ws);
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
        }
    }

    @Test
    void shouldRefuseEverySubscriberWhenAFilterReadsAnInternalChannel() throws Exception
    {
        // Through a derived channel: Hybrid_kW reads MGUK_Power (internal), so it is internal too.
        final Path manifest = Files.writeString(dir.resolve("filter.yaml"), manifest("Hybrid_kW > 10"));
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString())))
        {
            final RawHttpConnection.Response refused = upgrade(gateway, null);
            assertEquals(403, refused.status(), refused.head());
            assertTrue(refused.body().contains("the manifest's filter at /pipeline/1/where reads Hybrid_kW " +
                "(internal, or derived from such a channel), which this subscriber may not read"), refused.body());
            assertEquals(1, gateway.server.counters().rejections(RejectReason.FILTER_NOT_READABLE));
        }
    }

    @Test
    void shouldRefuseASubscriberWhoseChannelsAllowListExcludesAChannelAFilterReads() throws Exception
    {
        // Speed_ms derives from Speed: a token allowed Engine_RPM only may read neither, a token allowed Speed both.
        final Path manifest = Files.writeString(dir.resolve("filter.yaml"), String.join("\n",
            "version: v1",
            "name: filtered",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Speed_ms, expr: \"Speed / 3.6\", unit: m/s }",
            "  - type: filter",
            "    where: \"Speed_ms > 10\"",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1]",
            ""));
        final Path tokens = dir.resolve("tokens.json");
        final String rpmOnly = TokenFile.add(tokens, "rpm-only", EnumSet.of(Capability.SUBSCRIBE), 0,
            List.of(), List.of("Engine_RPM"));
        final String speed = TokenFile.add(tokens, "speed", EnumSet.of(Capability.SUBSCRIBE), 0,
            List.of(), List.of("Speed", "Engine_RPM"));
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of(
            GatewaySetting.MANIFEST, manifest.toString(), GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final RawHttpConnection.Response refused = upgrade(gateway, rpmOnly);
            assertEquals(403, refused.status(), refused.head());
            assertTrue(refused.body().contains("\"reason\":\"filter_not_readable\""), refused.body());
            assertTrue(refused.body().contains("the manifest's filter at /pipeline/1/where reads Speed_ms (derived " +
                "from channels outside it), which token 'rpm-only' may not read (its channels: Engine_RPM)"),
                refused.body());
            assertEquals(1, gateway.server.counters().rejections(RejectReason.FILTER_NOT_READABLE));
            assertEquals(0, gateway.server.counters().openSubscribers.get());

            final WebSocketMessages messages = new WebSocketMessages();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + speed)
                .buildAsync(gateway.wsUri("/ws?subscribe=derived"), messages).get(20, TimeUnit.SECONDS);
            assertNotNull(ws);
            Await.until("subscribed", () -> gateway.server.counters().openSubscribers.get() == 1);
            assertEquals(1, gateway.server.counters().rejections(RejectReason.FILTER_NOT_READABLE));

            // Narrowed in the file (no restart): the subscriber already open is closed as the upgrade would refuse.
            assertTrue(TokenFile.allow(tokens, "speed", List.of(), List.of("Engine_RPM")));
            assertEquals(1008, messages.closed.get(20, TimeUnit.SECONDS));
            assertEquals("filter not readable", messages.closeReason.get(20, TimeUnit.SECONDS));
            assertEquals(2, gateway.server.counters().rejections(RejectReason.FILTER_NOT_READABLE));
        }
    }

    private static String manifest(final String where)
    {
        return String.join("\n",
            "version: v1",
            "name: filtered",
            "pipeline:",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Hybrid_kW, expr: \"MGUK_Power / 1.0\", unit: kW }",
            "  - type: filter",
            "    where: \"" + where + "\"",
            "  - type: output",
            "    contracts: [pitgun-envelope/v1]",
            "");
    }

    /** A WebSocket upgrade of a subscriber as a client sends it, read as plain HTTP (a refusal has a body). */
    private static RawHttpConnection.Response upgrade(final GatewayHarness gateway, final String token)
        throws Exception
    {
        try (RawHttpConnection connection = new RawHttpConnection(gateway.server.address()))
        {
            connection.send("GET /ws?subscribe=derived HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
            return connection.readResponse();
        }
    }
}
