package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.Promtool;
import io.pitgun.testsupport.SelfSignedPem;
import io.pitgun.testsupport.WebSocketMessages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway with {@code TLS_CERT} and {@code TLS_KEY} (PEM files made by {@code openssl}), through real clients
 * that verify the certificate: HTTPS and WSS work, a plain-text client and a client that does not trust the
 * certificate are refused and counted, and a renewed certificate is served to new connections without a restart
 * while a broken one is not taken; each with both providers (TLS_PROVIDER jdk and openssl).
 */
class GatewayTlsIntegrationTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HANDSHAKE_FAILURES = "pitgun_gateway_tls_handshake_failures_total";

    @TempDir
    Path dataDir;
    @TempDir
    Path certificates;

    private GatewayHarness start(final SelfSignedPem pem, final TlsProvider provider) throws InterruptedException
    {
        return new GatewayHarness(dataDir, Map.of(GatewaySetting.TLS_CERT, pem.certificate().toString(),
            GatewaySetting.TLS_KEY, pem.key().toString(), GatewaySetting.TLS_PROVIDER, provider.text()));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldServeHttpsAndWssToClientsThatVerifyTheCertificate(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        try (GatewayHarness gateway = start(pem, provider))
        {
            final GatewayClient https = new GatewayClient(gateway.server.address().getPort(), pem.trustingOnlyThis());
            final HttpResponse<String> accepted = https.beacon(Envelopes.batch(UUID.randomUUID(), 0, 2));
            assertEquals(202, accepted.statusCode(), accepted.body());
            final SSLSession session = accepted.sslSession().orElseThrow();
            assertEquals("TLSv1.3", session.getProtocol());
            assertEquals(pem.x509(), session.getPeerCertificates()[0]);

            // A page the gateway serves itself over TLS posts with its https origin: its own, not a foreign one.
            final String own = "https://127.0.0.1:" + gateway.server.address().getPort();
            final HttpResponse<String> fromOwnPage = https.httpClient().send(java.net.http.HttpRequest.newBuilder(
                https.uri("/beacon")).header("Content-Type", "application/json").header("Origin", own)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Envelopes.batch(UUID.randomUUID(), 5, 1)))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, fromOwnPage.statusCode(), fromOwnPage.body());

            final WebSocketMessages messages = new WebSocketMessages();
            WebSocketMessages.connect(https.httpClient(), https.wsUri("/ws"), messages, WAIT)
                .sendText(Envelopes.batch(UUID.randomUUID(), 2, 3), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            final String ack = messages.texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(ack != null && ack.contains("\"ack\"") && ack.contains("\"frames_accepted\":3"), ack);

            awaitMetric(https, "pitgun_gateway_frames_published_total", 6.0);
            assertEquals(pem.x509().getNotAfter().getTime() / 1000,
                (long)https.metricOrNaN("pitgun_gateway_tls_certificate_expiry_timestamp_seconds"));
            // The provider asked for is the one serving (BoringSSL loads on the machines the build runs on).
            assertEquals(1.0, https.metricOrNaN("pitgun_gateway_tls_provider_info{provider=\"" + provider.text() +
                "\"}"));
            assertEquals(0.0, https.metricOrNaN("pitgun_gateway_tls_openssl_fallback"));
            Promtool.assertMetricsPass(https.get("/metrics").body());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldRefuseAndCountAPlainTextClientAndOneThatDoesNotTrustTheCertificate(final TlsProvider provider)
        throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        final SelfSignedPem stranger = SelfSignedPem.create(certificates, "stranger", "someone-else");
        try (GatewayHarness gateway = start(pem, provider))
        {
            final int port = gateway.server.address().getPort();
            try (Socket plain = new Socket("127.0.0.1", port))
            {
                plain.setSoTimeout((int)WAIT.toMillis());
                final OutputStream out = plain.getOutputStream();
                out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // No HTTP answer: the connection closes (an exception if the peer resets it instead).
                final byte[] answer = readUntilClosed(plain.getInputStream());
                assertFalse(new String(answer, StandardCharsets.ISO_8859_1).contains("HTTP/1.1"),
                    "a plain-text request was answered");
            }
            final GatewayClient https = new GatewayClient(port, pem.trustingOnlyThis());
            awaitMetric(https, HANDSHAKE_FAILURES, 1.0);

            final GatewayClient wrongTrust = new GatewayClient(port, stranger.trustingOnlyThis());
            final IOException refused = assertThrows(IOException.class, () -> wrongTrust.get("/health"));
            assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException,
                refused.toString());
            awaitMetric(https, HANDSHAKE_FAILURES, 2.0);
            assertEquals(200, https.get("/health").statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldRefuseTlsOlderThan12(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        try (GatewayHarness gateway = start(pem, provider);
            SSLSocket socket = (SSLSocket)pem.trustingOnlyThis().getSocketFactory()
                .createSocket("127.0.0.1", gateway.server.address().getPort()))
        {
            // The JDK client may itself refuse TLS 1.1 (jdk.tls.disabledAlgorithms): either way no session.
            socket.setSoTimeout((int)WAIT.toMillis());
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThrows(IOException.class, socket::startHandshake);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldServeARenewedCertificateToNewConnectionsAndKeepItWhenTheNextDoesNotLoad(final TlsProvider provider)
        throws Exception
    {
        final SelfSignedPem first = SelfSignedPem.create(certificates, "gateway", "first");
        try (GatewayHarness gateway = start(first, provider))
        {
            final int port = gateway.server.address().getPort();
            final GatewayClient firstClient = new GatewayClient(port, first.trustingOnlyThis());
            assertEquals(200, firstClient.get("/health").statusCode());

            // Renewal: the same two file names, new contents (written beside and moved over, as certbot does).
            // The renewal below writes the same file names: keep the first certificate to trust it.
            final SelfSignedPem firstKept = new SelfSignedPem(
                Files.copy(first.certificate(), certificates.resolve("first-kept.crt")), first.key());
            final SelfSignedPem second = SelfSignedPem.create(certificates, "gateway", "second");
            // Polls over new connections, before and after the reload: it trusts both.
            final GatewayClient either = new GatewayClient(port, SelfSignedPem.trusting(List.of(
                firstKept, second)));
            awaitMetric(either, "pitgun_gateway_tls_reloads_total", 1.0);
            final GatewayClient secondClient = new GatewayClient(port, second.trustingOnlyThis());
            final HttpResponse<String> renewed = secondClient.get("/health");
            assertEquals(second.x509(), renewed.sslSession().orElseThrow().getPeerCertificates()[0]);

            // A key of another pair, then a key that is not PEM: each logged, counted, and the renewed certificate
            // stays in use.
            Files.copy(SelfSignedPem.create(certificates, "stranger", "stranger").key(), second.key(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitMetric(secondClient, "pitgun_gateway_tls_reload_failures_total", 1.0);
            assertEquals(second.x509(), new GatewayClient(port, second.trustingOnlyThis()).get("/health")
                .sslSession().orElseThrow().getPeerCertificates()[0]);
            Files.writeString(second.key(), "not a key\n");
            awaitMetric(secondClient, "pitgun_gateway_tls_reload_failures_total", 2.0);
            final X509Certificate served = (X509Certificate)new GatewayClient(port, second.trustingOnlyThis())
                .get("/health").sslSession().orElseThrow().getPeerCertificates()[0];
            assertArrayEquals(second.x509().getEncoded(), served.getEncoded());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void shouldRefuseToStartWithAKeyThatIsNotPemOrOnlyOneOfTheTwoFiles(final TlsProvider provider) throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.create(certificates, "gateway", "pitgun-test");
        Files.writeString(pem.key(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        final GatewayConfigException broken = assertThrows(GatewayConfigException.class, () -> start(pem, provider));
        assertTrue(broken.getMessage().contains("PITGUN_GATEWAY_TLS_CERT") &&
            broken.getMessage().contains(pem.key().toString()), broken.getMessage());

        // A key of another pair: the context builds, every handshake would fail; refused at start, naming it.
        final SelfSignedPem other = SelfSignedPem.create(certificates, "other", "other");
        final SelfSignedPem mismatched = new SelfSignedPem(
            SelfSignedPem.create(certificates, "fresh", "fresh").certificate(), other.key());
        final GatewayConfigException wrongKey = assertThrows(GatewayConfigException.class,
            () -> start(mismatched, provider));
        assertTrue(wrongKey.getMessage().contains("is not the private key of the certificate"),
            wrongKey.getMessage());

        final GatewayConfigException half = assertThrows(GatewayConfigException.class, () ->
            new GatewayHarness(dataDir, Map.of(GatewaySetting.TLS_CERT, pem.certificate().toString(),
                GatewaySetting.TLS_PROVIDER, provider.text())));
        assertTrue(half.getMessage().contains("give both"), half.getMessage());
    }

    /** Waits (bounded) until the series reads {@code expected}. */
    private static void awaitMetric(final GatewayClient client, final String series, final double expected)
        throws Exception
    {
        Await.until(series + " = " + expected, WAIT, () -> client.metricOrNaN(series) == expected);
    }

    private static byte[] readUntilClosed(final InputStream in) throws IOException
    {
        try
        {
            return in.readAllBytes();
        }
        catch (final java.net.SocketException reset)
        {
            return new byte[0];
        }
    }
}
