package io.pitgun.gateway;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what: the security settings of the gateway (docs/security.md).
 *
 * @param tokensFile     {@code TOKENS_FILE}: when present, endpoints need bearer tokens with capabilities.
 * @param insecure       {@code INSECURE} (or the deprecated {@code ALLOW_NON_LOOPBACK}): a non-loopback bind
 *                       without tokens is allowed, and warned about at every start.
 * @param trustedProxies {@code TRUSTED_PROXIES}: peers whose {@code X-Forwarded-For} is believed, canonical form.
 * @param allowedOrigins {@code ALLOWED_ORIGINS}: browser origins allowed to POST and open WebSockets, lower case.
 */
public record GatewaySecurity(Optional<Path> tokensFile, boolean insecure, Set<String> trustedProxies,
    Set<String> allowedOrigins)
{
    /** Whether endpoints need tokens. */
    public boolean tokensOn()
    {
        return tokensFile.isPresent();
    }
}
