package io.pitgun.gateway;

/**
 * How the gateway serves TLS once {@code TLS_CERT} and {@code TLS_KEY} turn it on.
 *
 * @param provider             the implementation asked for ({@link GatewaySetting#TLS_PROVIDER}); the one used
 *                             may be the JDK's when OpenSSL does not load ({@link GatewayTls#provider()}).
 * @param handshakeTimeoutMs   {@link GatewaySetting#TLS_HANDSHAKE_TIMEOUT_MS}.
 * @param maxHandshakes        {@link GatewaySetting#TLS_MAX_HANDSHAKES}.
 * @param maxHandshakesPerPeer {@link GatewaySetting#TLS_MAX_HANDSHAKES_PER_PEER}.
 */
public record TlsOptions(TlsProvider provider, int handshakeTimeoutMs, int maxHandshakes, int maxHandshakesPerPeer)
{
}
