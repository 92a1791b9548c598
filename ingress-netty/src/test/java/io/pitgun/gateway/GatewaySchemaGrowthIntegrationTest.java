package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The public SBE schema may grow a field without breaking this gateway (issue #13, point 1): a frame written by a
 * newer schema, with a field appended to the root block and one to each sample, is accepted over binary WebSocket,
 * read at its acting block lengths, and journaled in this build's layout with the values it carried.
 */
@Timeout(60)
class GatewaySchemaGrowthIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldAcceptFrameWithExtraTrailingFieldsAndJournalItsSamples() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of(GatewaySetting.RATE_LIMIT, "0")))
        {
            final GatewayWebSocketIntegrationTest.Collector collector = new GatewayWebSocketIntegrationTest.Collector();
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(gateway.wsUri("/ws"), collector).get(10, TimeUnit.SECONDS);

            // Two grown frames back to back in one binary message, then one of this build's layout.
            final byte[] first = HostileFrames.grown(HostileFrames.validFrame(5), 8, 4);
            final byte[] second = HostileFrames.grown(HostileFrames.validFrame(6), 2, 20);
            final ByteBuffer both = ByteBuffer.allocate(first.length + second.length).put(first).put(second).flip();
            ws.sendBinary(both, true).get(10, TimeUnit.SECONDS);
            final JsonNode ack = collector.next();
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            assertEquals(2, ack.get("frames_accepted").asInt(), ack.toString());

            ws.sendBinary(ByteBuffer.wrap(HostileFrames.validFrame(7)), true).get(10, TimeUnit.SECONDS);
            assertEquals("ack", collector.next().get("type").asText());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        // Engine_RPM (U16) 9000 and Speed (F32) 120.0 as sent; stored with this build's version and 12-byte samples.
        assertEquals(List.of("5 v1: 1=9000/12 3=120.0/12", "6 v1: 1=9000/12 3=120.0/12", "7 v1: 1=9000/12 3=120.0/12"),
            GatewayHarness.journaledFrames(dataDir));
    }
}
