package io.pitgun.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The gateway's TLS: a server {@link SslContext} built from a PEM certificate chain and its PEM private key
 * ({@link GatewaySetting#TLS_CERT}, {@link GatewaySetting#TLS_KEY}), and rebuilt when either file changes, so that a
 * renewed certificate takes effect without a restart. Each new connection takes the context current when it is
 * accepted ({@link #newHandler}); connections already open keep theirs.
 * <p>
 * Protocols {@value #TLS_1_3} and {@value #TLS_1_2} only, with forward-secret AEAD cipher suites for 1.2
 * ({@link #CIPHERS}; 1.3's suites are all AEAD). The provider is the JDK's ({@code SunJSSE}): no native library to
 * ship. What TLS costs is measured against the same gateway without it (docs/performance.md, GatewayWrkTls);
 * netty-tcnative's BoringSSL has not been measured against it yet. A file that does not load at start stops the
 * gateway; one that does not load on a change is logged and counted, and the gateway keeps the context it has.
 */
final class GatewayTls
{
    /** How often the files are checked for a change (their modification time and size), on the accept thread. */
    static final long RELOAD_CHECK_INTERVAL_MS = 1_000;
    static final String TLS_1_3 = "TLSv1.3";
    static final String TLS_1_2 = "TLSv1.2";
    /** TLS 1.3's suites, then TLS 1.2's forward-secret AEAD ones; the JDK's unsupported ones are filtered out. */
    static final List<String> CIPHERS = List.of(
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final Logger LOG = LoggerFactory.getLogger(GatewayTls.class);
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    private final Path certificateChain;
    private final Path privateKey;
    private final GatewayCounters counters;
    private volatile Loaded current;
    /** The files' state last tried, loaded or not: a file that failed is not tried again until it changes. */
    private FileStamp lastTried;
    /** The files' state at the check before: a change is loaded only once it has held for one whole interval, so
     *  that a renewal replacing the two files one after the other is not tried half done. */
    private FileStamp previous;

    /** A built context and what it was built from. */
    private record Loaded(SslContext context, X509Certificate certificate)
    {
    }

    /** What identifies a version of the two files without reading them. */
    private record FileStamp(long certificateModifiedMs, long certificateSize, long keyModifiedMs, long keySize)
    {
    }

    private GatewayTls(final Path certificateChain, final Path privateKey, final GatewayCounters counters,
        final FileStamp stamp, final Loaded loaded)
    {
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        this.counters = counters;
        this.lastTried = stamp;
        this.previous = stamp;
        this.current = loaded;
    }

    /**
     * Loads the certificate chain and key.
     *
     * @throws GatewayConfigException naming the setting, if either file cannot be read or they do not make a
     *                                server context (not PEM, a key that does not match, an encrypted key).
     */
    static GatewayTls load(final Path certificateChain, final Path privateKey, final GatewayCounters counters)
    {
        try
        {
            final FileStamp stamp = stamp(certificateChain, privateKey);
            final GatewayTls tls = new GatewayTls(certificateChain, privateKey, counters, stamp,
                build(certificateChain, privateKey));
            counters.tlsCertificateExpirySeconds.set(tls.current.certificate().getNotAfter().getTime() / 1000);
            return tls;
        }
        catch (final IOException | CertificateException | RuntimeException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.TLS_CERT.label() + ", " +
                GatewaySetting.TLS_KEY.label() + ": " + certificateChain + ", " + privateKey + ": " + describe(ex)));
        }
    }

    /** A handler for a new connection, with the current context; the first in its pipeline. */
    SslHandler newHandler(final ByteBufAllocator allocator)
    {
        return current.context().newHandler(allocator);
    }

    /** The server certificate in use (the chain's first). */
    X509Certificate certificate()
    {
        return current.certificate();
    }

    /**
     * Rebuilds the context if either file changed since last tried and has not changed since the check before; a
     * failure is logged and counted and the current context stays. Called every {@link #RELOAD_CHECK_INTERVAL_MS}
     * from one thread, so a renewal is served within two intervals.
     */
    void reloadIfChanged()
    {
        final FileStamp stamp;
        try
        {
            stamp = stamp(certificateChain, privateKey);
        }
        catch (final IOException ex)
        {
            // A file being replaced (renamed over) can be missing for a moment: try again next time.
            return;
        }
        final boolean settled = stamp.equals(previous);
        previous = stamp;
        if (!settled || stamp.equals(lastTried))
        {
            return;
        }
        lastTried = stamp;
        try
        {
            final Loaded loaded = build(certificateChain, privateKey);
            current = loaded;
            counters.tlsReloads.increment();
            counters.tlsCertificateExpirySeconds.set(loaded.certificate().getNotAfter().getTime() / 1000);
            LOG.info("TLS: reloaded {} and {}: {}, valid until {}", certificateChain, privateKey,
                loaded.certificate().getSubjectX500Principal().getName(), loaded.certificate().getNotAfter());
        }
        catch (final IOException | CertificateException | RuntimeException ex)
        {
            counters.tlsReloadFailures.increment();
            LOG.warn("TLS: {} and {} changed but do not load ({}); keeping the certificate loaded before",
                certificateChain, privateKey, describe(ex));
        }
    }

    private static Loaded build(final Path certificateChain, final Path privateKey)
        throws IOException, CertificateException
    {
        final X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificateChain))
        {
            certificate = (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificates(in)
                .stream().findFirst()
                .orElseThrow(() -> new CertificateException("no certificate in " + certificateChain));
        }
        final SslContext context = SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
            .sslProvider(SslProvider.JDK)
            .protocols(TLS_1_3, TLS_1_2)
            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .clientAuth(ClientAuth.NONE)
            .build();
        checkKeyMatches(certificate, privateKey);
        return new Loaded(context, certificate);
    }

    /**
     * Signs a probe with the private key and verifies it with the certificate's public key: the context builds with a
     * key of another pair, and every handshake would then fail (a renewal that replaced one file of the two).
     */
    private static void checkKeyMatches(final X509Certificate certificate, final Path privateKey)
        throws IOException, CertificateException
    {
        final String pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
        final int begin = pem.indexOf(PKCS8_BEGIN);
        final int end = pem.indexOf(PKCS8_END);
        if (begin < 0 || end < begin)
        {
            throw new CertificateException(privateKey + ": not an unencrypted PKCS#8 private key (" + PKCS8_BEGIN + ")");
        }
        try
        {
            final byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
            final String algorithm = certificate.getPublicKey().getAlgorithm();
            final PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            final String signatureAlgorithm = switch (algorithm)
            {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> algorithm; // Ed25519, Ed448: the key's own algorithm names the signature
            };
            final byte[] probe = "pitgun: does this key belong to this certificate".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature))
            {
                throw new CertificateException(privateKey + " is not the private key of the certificate " +
                    certificate.getSubjectX500Principal().getName());
            }
        }
        catch (final GeneralSecurityException | IllegalArgumentException ex)
        {
            if (ex instanceof CertificateException certificateException)
            {
                throw certificateException;
            }
            throw new CertificateException(privateKey + " is not the private key of the certificate " +
                certificate.getSubjectX500Principal().getName() + ": " + ex.getMessage(), ex);
        }
    }

    private static FileStamp stamp(final Path certificateChain, final Path privateKey) throws IOException
    {
        final BasicFileAttributes cert = Files.readAttributes(certificateChain, BasicFileAttributes.class);
        final BasicFileAttributes key = Files.readAttributes(privateKey, BasicFileAttributes.class);
        return new FileStamp(cert.lastModifiedTime().toMillis(), cert.size(), key.lastModifiedTime().toMillis(),
            key.size());
    }

    private static String describe(final Throwable ex)
    {
        final StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); cause != null && cause != ex; cause = cause.getCause())
        {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
