package io.pitgun.systemtests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code pitgun gateway --bind [::1]:0} prints where it listens in the form {@code --bind} takes, brackets and all. */
class GatewayIpv6BindProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldPrintAnIpv6BindInBracketsAndAnswerThere() throws Exception
    {
        assumeTrue(ipv6LoopbackWorks(), "this machine has no IPv6 loopback");
        try (GatewayProcess gateway = GatewayProcess.startBound(dir.resolve("data"), "[::1]:0", List.of(), Map.of()))
        {
            final String printed = gateway.listeningOn();
            assertTrue(printed.matches("\\[[0-9a-f:]+]:\\d+"), printed);
            // The printed form is what a client puts in a URL.
            final HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + printed + "/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.logs());
        }
    }

    private static boolean ipv6LoopbackWorks()
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
