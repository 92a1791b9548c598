package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.SelfSignedPem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limits on TLS handshakes, over real sockets against a real gateway with each provider: a client that connects
 * and never sends a ClientHello is closed after {@code TLS_HANDSHAKE_TIMEOUT_MS}; connections beyond
 * {@code TLS_MAX_HANDSHAKES_PER_PEER} or {@code TLS_MAX_HANDSHAKES} handshakes in progress are closed at once and
 * counted, while other addresses (for the per-address cap) and completed handshakes are not held against them.
 */
class GatewayTlsHandshakeLimitsIntegrationTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Far above any wait of these tests: a connection closed within WAIT was closed by a cap, not by the timeout. */
    private static final String LONG_TIMEOUT_MS = "600000";

    @TempDir
    Path dataDir;
    @TempDir
    Path certificates;

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldCloseAndCountAClientThatNeverSendsAClientHello(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        final long timeoutMs = 300;
        try (GatewayHarness gateway = start(pem, provider, Map.of(GatewaySetting.TLS_HANDSHAKE_TIMEOUT_MS,
            Long.toString(timeoutMs)));
            Socket silent = connect(gateway, "127.0.0.1"))
        {
            final long connectedNs = System.nanoTime();
            assertClosedByServer(silent);
            final long elapsedMs = (System.nanoTime() - connectedNs) / 1_000_000;
            assertTrue(elapsedMs >= timeoutMs / 2, "closed after " + elapsedMs + " ms, before the timeout");
            final GatewayClient https = new GatewayClient(port(gateway), pem.trustingOnlyThis());
            awaitMetric(https, rejections("tls_handshake_timeout"), 1.0);
            assertEquals(1.0, https.metricOrNaN("pitgun_gateway_tls_handshake_failures_total"));
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldRefuseAndCountHandshakesBeyondThePerAddressCapAndNotHoldOtherAddressesToIt(
        final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        try (GatewayHarness gateway = start(pem, provider, Map.of(GatewaySetting.TLS_MAX_HANDSHAKES_PER_PEER, "2",
            GatewaySetting.TLS_HANDSHAKE_TIMEOUT_MS, LONG_TIMEOUT_MS)))
        {
            // Completed handshakes give their place back: more of them, one after another, than the cap.
            for (int i = 0; i < 5; i++)
            {
                handshake(gateway, pem, "127.0.0.1");
            }
            final List<Socket> silent = new ArrayList<>();
            try
            {
                silent.add(connect(gateway, "127.0.0.1"));
                silent.add(connect(gateway, "127.0.0.1"));
                awaitInProgress(gateway, 2);
                try (Socket third = connect(gateway, "127.0.0.1"))
                {
                    assertClosedByServer(third);
                }
                // Another address is not held to 127.0.0.1's cap.
                handshake(gateway, pem, "127.0.0.2");
            }
            finally
            {
                closeAll(silent);
            }
            awaitInProgress(gateway, 0);
            final GatewayClient https = new GatewayClient(port(gateway), pem.trustingOnlyThis());
            awaitMetric(https, rejections("tls_peer_handshake_limit"), 1.0);
            assertEquals(0.0, https.metricOrNaN(rejections("tls_handshake_limit")));
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldRefuseAndCountHandshakesBeyondTheTotalCap(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        try (GatewayHarness gateway = start(pem, provider, Map.of(GatewaySetting.TLS_MAX_HANDSHAKES, "2",
            GatewaySetting.TLS_HANDSHAKE_TIMEOUT_MS, LONG_TIMEOUT_MS)))
        {
            final List<Socket> silent = new ArrayList<>();
            try
            {
                silent.add(connect(gateway, "127.0.0.1"));
                silent.add(connect(gateway, "127.0.0.2"));
                awaitInProgress(gateway, 2);
                try (Socket third = connect(gateway, "127.0.0.3"))
                {
                    assertClosedByServer(third);
                }
            }
            finally
            {
                closeAll(silent);
            }
            // Their places given back, new handshakes complete again.
            awaitInProgress(gateway, 0);
            final GatewayClient https = new GatewayClient(port(gateway), pem.trustingOnlyThis());
            awaitMetric(https, rejections("tls_handshake_limit"), 1.0);
            assertEquals(0.0, https.metricOrNaN(rejections("tls_peer_handshake_limit")));
        }
    }

    private GatewayHarness start(final SelfSignedPem pem, final TlsProvider provider,
        final Map<GatewaySetting, String> limits) throws InterruptedException
    {
        final Map<GatewaySetting, String> settings = new EnumMap<>(GatewaySetting.class);
        settings.put(GatewaySetting.TLS_CERT, pem.certificate().toString());
        settings.put(GatewaySetting.TLS_KEY, pem.key().toString());
        settings.put(GatewaySetting.TLS_PROVIDER, provider.text());
        settings.putAll(limits);
        return new GatewayHarness(dataDir, settings);
    }

    private static int port(final GatewayHarness gateway)
    {
        return gateway.server.address().getPort();
    }

    /** A TCP connection from {@code localAddress} that sends nothing. */
    private static Socket connect(final GatewayHarness gateway, final String localAddress) throws IOException
    {
        final Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(gateway)),
            (int)WAIT.toMillis());
        socket.setSoTimeout((int)WAIT.toMillis());
        return socket;
    }

    /** A full TLS handshake from {@code localAddress}, verifying the certificate; closed after. */
    private static void handshake(final GatewayHarness gateway, final SelfSignedPem pem, final String localAddress)
        throws Exception
    {
        try (Socket tcp = connect(gateway, localAddress);
            SSLSocket tls = (SSLSocket)pem.trustingOnlyThis().getSocketFactory().createSocket(tcp, "127.0.0.1",
                port(gateway), true))
        {
            tls.startHandshake();
            assertTrue(tls.getSession().isValid(), "no session from " + localAddress);
        }
    }

    /** The gateway closes the connection: end of stream or a reset, within WAIT (a timeout fails the test). */
    private static void assertClosedByServer(final Socket socket) throws IOException
    {
        try
        {
            assertEquals(-1, socket.getInputStream().read(), "the gateway sent a byte to a client that sent none");
        }
        catch (final SocketTimeoutException ex)
        {
            fail("the gateway kept the connection open for " + WAIT.toSeconds() + " s");
        }
        catch (final SocketException reset)
        {
            // Closed with a reset: closed all the same.
        }
    }

    /** Waits until the gateway has taken {@code expected} handshake places (the silent connections reached it). */
    private static void awaitInProgress(final GatewayHarness gateway, final int expected) throws Exception
    {
        Await.until(expected + " handshakes in progress", WAIT,
            () -> gateway.server.tlsHandshakes().inProgress() == expected);
    }

    private static void closeAll(final List<Socket> sockets) throws IOException
    {
        for (final Socket socket : sockets)
        {
            socket.close();
        }
    }

    private static String rejections(final String reason)
    {
        return "pitgun_gateway_rejections_total{reason=\"" + reason + "\"}";
    }

    private static void awaitMetric(final GatewayClient client, final String series, final double expected)
        throws Exception
    {
        Await.until(series + " = " + expected, WAIT, () -> client.metricOrNaN(series) == expected);
    }
}
