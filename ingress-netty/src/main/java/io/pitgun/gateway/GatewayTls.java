package io.pitgun.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.pitgun.engine.FileStamp;
import io.pitgun.schemas.signing.PemBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import java.util.List;

/**
 * The gateway's TLS: a server {@link SslContext} built from a PEM certificate chain and its PEM private key
 * ({@link GatewaySetting#TLS_CERT}, {@link GatewaySetting#TLS_KEY}), and rebuilt when either file changes, so that a
 * renewed certificate takes effect without a restart. Each new connection takes the context current when it is
 * accepted ({@link #newHandler}); connections already open keep theirs.
 * <p>
 * Each (re)load reads each file once, parses the bytes with the JDK ({@code CertificateFactory} for the chain,
 * {@code KeyFactory} over the PKCS#8 DER for the key), checks that the key is the certificate's, and builds the
 * context from exactly those parsed objects: what was checked is what is served, even if a file changes meanwhile.
 * <p>
 * Protocols {@value #TLS_1_3} and {@value #TLS_1_2} only, with forward-secret AEAD cipher suites for 1.2
 * ({@link #CIPHERS}; 1.3's suites are all AEAD), the same list for both providers ({@link TlsProvider}): the JDK's
 * or BoringSSL through netty-tcnative. OpenSSL that does not load on this machine falls back to the JDK's, logged
 * and counted. A pair that does not load at start stops the gateway; one that does not load on a change is logged
 * and counted, and the gateway keeps the context it has. A change whose files cannot be read (an I/O error: EMFILE
 * while the gateway is at its descriptor limit) is read again at every check until it can be, whether or not the
 * files change meanwhile; one whose files read but do not load is not tried again until they change. Before, a
 * renewal read while the gateway was out of descriptors was never loaded, and the old certificate served on to its
 * expiry. A run of such read failures is counted once and logged when it starts, at most every
 * {@value #STILL_FAILING_LOG_MS} ms while it lasts, and when it ends.
 */
final class GatewayTls
{
    /** How often the files are checked for a change ({@link FileStamp}), on the accept thread. */
    static final long RELOAD_CHECK_INTERVAL_MS = 1_000;
    /** While the files cannot be read, at most one log line this often. */
    static final long STILL_FAILING_LOG_MS = 60_000;
    static final String TLS_1_3 = "TLSv1.3";
    static final String TLS_1_2 = "TLSv1.2";
    /** TLS 1.3's suites, then TLS 1.2's forward-secret AEAD ones; ones the provider lacks are filtered out. */
    static final List<String> CIPHERS = List.of(
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final Logger LOG = LoggerFactory.getLogger(GatewayTls.class);
    private static final String PRIVATE_KEY_LABEL = "PRIVATE KEY";

    private final Path certificateChain;
    private final Path privateKey;
    private final TlsProvider provider;
    private final long handshakeTimeoutMs;
    private final GatewayCounters counters;
    private final FileReader reader;
    private volatile Loaded current;
    /** The files' state last read, loaded or not: files that read but did not load are not tried again until they
     *  change; files that could not be read are not noted here, so they are read again at the next check. */
    private Stamps lastTried;
    /** Read failures in a row, and when the run began and was last logged (ms). */
    private long failedReads;
    private long failingSinceMs;
    private long failureLoggedMs;
    /** The files' state at the check before: a change is loaded only once it has held for one whole interval, so
     *  that a renewal replacing the two files one after the other is not tried half done. */
    private Stamps previous;

    /** A built context and what it was built from. */
    private record Loaded(SslContext context, X509Certificate certificate)
    {
    }

    /** How the files are read: {@link Files#readAllBytes}, or a test's stand-in for a failure that no file system
     *  change can make (a process out of descriptors). */
    @FunctionalInterface
    interface FileReader
    {
        /** The bytes of {@code file}. */
        byte[] read(Path file) throws IOException;
    }

    /** The versions of the two files. */
    private record Stamps(FileStamp certificateChain, FileStamp privateKey)
    {
        static Stamps of(final Path certificateChain, final Path privateKey) throws IOException
        {
            return new Stamps(FileStamp.of(certificateChain), FileStamp.of(privateKey));
        }
    }

    private GatewayTls(final Path certificateChain, final Path privateKey, final TlsProvider provider,
        final long handshakeTimeoutMs, final GatewayCounters counters, final FileReader reader, final Stamps stamps,
        final Loaded loaded)
    {
        this.reader = reader;
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        this.provider = provider;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.counters = counters;
        this.lastTried = stamps;
        this.previous = stamps;
        this.current = loaded;
    }

    /**
     * Loads the certificate chain and key for {@code options}' provider, or the JDK's when that is OpenSSL and it does
     * not load here (logged as a warning; {@code pitgun_gateway_tls_openssl_fallback} 1).
     *
     * @throws GatewayConfigException naming the setting, if either file cannot be read or they do not make a
     *                                server context (not PEM, a key that does not match, an encrypted key).
     */
    static GatewayTls load(final Path certificateChain, final Path privateKey, final TlsOptions options,
        final GatewayCounters counters)
    {
        return load(certificateChain, privateKey, options, counters, Files::readAllBytes);
    }

    /** As {@link #load(Path, Path, TlsOptions, GatewayCounters)}, reading the files with {@code reader}. */
    static GatewayTls load(final Path certificateChain, final Path privateKey, final TlsOptions options,
        final GatewayCounters counters, final FileReader reader)
    {
        final TlsProvider provider = available(options.provider(), OpenSsl.isAvailable(),
            OpenSsl.unavailabilityCause());
        counters.tlsOpenSslFallback.set(provider == options.provider() ? 0 : 1);
        try
        {
            final Stamps stamps = Stamps.of(certificateChain, privateKey);
            final GatewayTls tls = new GatewayTls(certificateChain, privateKey, provider,
                options.handshakeTimeoutMs(), counters, reader, stamps, build(certificateChain,
                reader.read(certificateChain), privateKey, reader.read(privateKey), provider));
            counters.tlsCertificateExpirySeconds.set(tls.current.certificate().getNotAfter().getTime() / 1000);
            return tls;
        }
        catch (final IOException | GeneralSecurityException | RuntimeException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.TLS_CERT.label() + ", " +
                GatewaySetting.TLS_KEY.label() + ": " + certificateChain + ", " + privateKey + ": " + describe(ex)));
        }
    }

    /**
     * The provider to serve with: the one asked for, or the JDK's when OpenSSL was asked for and is not available
     * ({@code cause} says why, logged as a warning).
     */
    static TlsProvider available(final TlsProvider requested, final boolean openSslAvailable, final Throwable cause)
    {
        if (requested == TlsProvider.OPENSSL && !openSslAvailable)
        {
            LOG.warn("TLS: {}=openssl but OpenSSL (netty-tcnative BoringSSL) does not load on this machine ({}); " +
                "serving with the JDK's provider instead", GatewaySetting.TLS_PROVIDER.envName(), describe(cause));
            return TlsProvider.JDK;
        }
        return requested;
    }

    /** The provider serving. */
    TlsProvider provider()
    {
        return provider;
    }

    /** A handler for a new connection, with the current context and the handshake timeout; first in its pipeline. */
    SslHandler newHandler(final ByteBufAllocator allocator)
    {
        final SslHandler handler = current.context().newHandler(allocator);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
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
        final Stamps stamps;
        try
        {
            stamps = Stamps.of(certificateChain, privateKey);
        }
        catch (final IOException ex)
        {
            // A file being replaced (renamed over) can be missing for a moment: try again next time.
            return;
        }
        final boolean settled = stamps.equals(previous);
        previous = stamps;
        if (!settled || stamps.equals(lastTried))
        {
            return;
        }
        final byte[] chainBytes;
        final byte[] keyBytes;
        try
        {
            chainBytes = reader.read(certificateChain);
            keyBytes = reader.read(privateKey);
        }
        catch (final IOException ex)
        {
            // Not noted as tried: the cause may be this process's (out of descriptors), so the next check reads again.
            readFailed(ex);
            return;
        }
        lastTried = stamps;
        if (failedReads > 0)
        {
            LOG.info("TLS: read {} and {} after {} failed tries over {} ms", certificateChain, privateKey, failedReads,
                System.currentTimeMillis() - failingSinceMs);
            failedReads = 0;
        }
        try
        {
            final Loaded loaded = build(certificateChain, chainBytes, privateKey, keyBytes, provider);
            current = loaded;
            counters.tlsReloads.increment();
            counters.tlsCertificateExpirySeconds.set(loaded.certificate().getNotAfter().getTime() / 1000);
            LOG.info("TLS: reloaded {} and {}: {}, valid until {}", certificateChain, privateKey,
                loaded.certificate().getSubjectX500Principal().getName(), loaded.certificate().getNotAfter());
        }
        catch (final IOException | GeneralSecurityException | RuntimeException ex)
        {
            counters.tlsReloadFailures.increment();
            LOG.warn("TLS: {} and {} changed but do not load ({}); keeping the certificate loaded before",
                certificateChain, privateKey, describe(ex));
        }
    }

    /** The changed files could not be read: counted and logged when a run starts, logged again at most every minute. */
    private void readFailed(final IOException ex)
    {
        final long nowMs = System.currentTimeMillis();
        if (failedReads++ == 0)
        {
            failingSinceMs = nowMs;
            failureLoggedMs = nowMs;
            counters.tlsReloadFailures.increment();
            LOG.warn("TLS: {} and {} changed but cannot be read ({}); keeping the certificate loaded before, reading " +
                "them again every {} ms", certificateChain, privateKey, describe(ex), RELOAD_CHECK_INTERVAL_MS);
        }
        else if (nowMs - failureLoggedMs >= STILL_FAILING_LOG_MS)
        {
            failureLoggedMs = nowMs;
            LOG.warn("TLS: {} and {} still cannot be read after {} tries over {} ms ({}); keeping the certificate " +
                "loaded before", certificateChain, privateKey, failedReads, nowMs - failingSinceMs, describe(ex));
        }
    }

    /** Builds a context from the files' bytes, read once ({@code certificateChain}, {@code privateKey} name them). */
    private static Loaded build(final Path certificateChain, final byte[] chainBytes, final Path privateKey,
        final byte[] keyBytes, final TlsProvider provider) throws IOException, GeneralSecurityException
    {
        final X509Certificate[] chain = certificates(certificateChain, chainBytes);
        final PrivateKey key = privateKey(privateKey, keyBytes, chain[0]);
        checkKeyMatches(chain[0], key, privateKey);
        final SslContext context = SslContextBuilder.forServer(key, chain)
            .sslProvider(provider.netty())
            .protocols(TLS_1_3, TLS_1_2)
            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .clientAuth(ClientAuth.NONE)
            .build();
        return new Loaded(context, chain[0]);
    }

    /** Every certificate of the PEM chain, server certificate first (the JDK's CertificateFactory reads PEM). */
    private static X509Certificate[] certificates(final Path file, final byte[] pem) throws CertificateException
    {
        final Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem));
        if (read.isEmpty())
        {
            throw new CertificateException("no certificate in " + file);
        }
        return read.toArray(new X509Certificate[0]);
    }

    /** The unencrypted PKCS#8 key, read by the JDK's KeyFactory of the certificate's key algorithm. */
    private static PrivateKey privateKey(final Path file, final byte[] pem, final X509Certificate certificate)
        throws GeneralSecurityException
    {
        final byte[] der;
        try
        {
            der = PemBlock.der(new String(pem, StandardCharsets.US_ASCII), PRIVATE_KEY_LABEL);
        }
        catch (final IllegalArgumentException ex)
        {
            // describe() appends the cause's message: not repeated here.
            throw new CertificateException(file + ": not an unencrypted PKCS#8 private key", ex);
        }
        try
        {
            return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new CertificateException(file + " is not the private key of the certificate " +
                certificate.getSubjectX500Principal().getName(), ex);
        }
    }

    /**
     * Signs a probe with the private key and verifies it with the certificate's public key: a context builds with a
     * key of another pair, and every handshake would then fail (a renewal that replaced one file of the two).
     */
    private static void checkKeyMatches(final X509Certificate certificate, final PrivateKey key, final Path file)
        throws CertificateException
    {
        final String algorithm = certificate.getPublicKey().getAlgorithm();
        final String signatureAlgorithm = switch (algorithm)
        {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> algorithm; // Ed25519, Ed448: the key's own algorithm names the signature
        };
        try
        {
            final byte[] probe = "pitgun: does this key belong to this certificate".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature))
            {
                return;
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new CertificateException(file + " is not the private key of the certificate " +
                certificate.getSubjectX500Principal().getName(), ex);
        }
        throw new CertificateException(file + " is not the private key of the certificate " +
            certificate.getSubjectX500Principal().getName());
    }

    private static String describe(final Throwable ex)
    {
        if (ex == null)
        {
            return "no cause given";
        }
        final StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); cause != null && cause != ex; cause = cause.getCause())
        {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
