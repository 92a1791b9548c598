package io.pitgun.testsupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate and its key as PEM files, made by the {@code openssl} command (Debian's {@code openssl}
 * package; tests need a certificate as operators have them, files, not one made in memory): an EC P-256 key and a
 * certificate for {@code 127.0.0.1} and {@code localhost}, valid for a day.
 *
 * @param certificate the PEM certificate.
 * @param key         the PEM private key (PKCS#8, unencrypted).
 */
public record SelfSignedPem(Path certificate, Path key)
{
    /**
     * Writes {@code NAME.crt} and {@code NAME.key} in {@code directory} (replacing them: a renewal) with subject
     * {@code CN=commonName}.
     *
     * @throws IllegalStateException if {@code openssl} is missing or fails.
     */
    public static SelfSignedPem create(final Path directory, final String name, final String commonName)
        throws IOException, InterruptedException
    {
        final Path certificate = directory.resolve(name + ".crt");
        final Path key = directory.resolve(name + ".key");
        // Written beside, then moved over: a gateway watching the files never reads half of one.
        final Path newCertificate = directory.resolve(name + ".crt.new");
        final Path newKey = directory.resolve(name + ".key.new");
        final Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + commonName,
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", newKey.toString(), "-out", newCertificate.toString()))
            .redirectErrorStream(true).start();
        final String output = new String(openssl.getInputStream().readAllBytes());
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0)
        {
            throw new IllegalStateException("openssl failed: " + output);
        }
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCertificate, certificate, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        return new SelfSignedPem(certificate, key);
    }

    /** The certificate, parsed. */
    public X509Certificate x509() throws IOException, GeneralSecurityException
    {
        try (InputStream in = Files.newInputStream(certificate))
        {
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A TLS client context that trusts this certificate and nothing else. */
    public SSLContext trustingOnlyThis() throws IOException, GeneralSecurityException
    {
        return trusting(List.of(this));
    }

    /** A TLS client context that trusts these certificates and nothing else. */
    public static SSLContext trusting(final List<SelfSignedPem> certificates)
        throws IOException, GeneralSecurityException
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < certificates.size(); i++)
        {
            store.setCertificateEntry("gateway-" + i, certificates.get(i).x509());
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
