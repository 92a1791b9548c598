package io.pitgun.gateway;

import io.pitgun.testsupport.SelfSignedPem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A renewed certificate whose files could not be read for a reason of the gateway's own (out of file descriptors) is
 * read again at the next checks, though the files do not change again; before, it was noted as tried and never
 * loaded, and the old certificate served on. As root no file system change makes a read fail and later succeed with
 * the files' stamps unchanged, so the failure is the reader's.
 */
class GatewayTlsReloadTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadARenewalAgainAfterItsReadFailedThoughTheFilesDidNotChangeAgain() throws Exception
    {
        final SelfSignedPem first = SelfSignedPem.create(dir, "gateway", "first");
        final GatewayCounters counters = new GatewayCounters();
        final AtomicInteger failuresToCome = new AtomicInteger();
        final GatewayTls tls = GatewayTls.load(first.certificate(), first.key(),
            new TlsOptions(TlsProvider.JDK, 10_000, 100, 10), counters, file ->
            {
                if (failuresToCome.getAndDecrement() > 0)
                {
                    throw new IOException(file + ": Too many open files");
                }
                return Files.readAllBytes(file);
            });
        // The renewal writes the same file names: keep the first certificate to compare with.
        final java.security.cert.X509Certificate firstCertificate = first.x509();
        assertEquals(firstCertificate, tls.certificate());

        final SelfSignedPem second = SelfSignedPem.create(dir, "gateway", "second");
        failuresToCome.set(5);
        // A change is loaded once it has held for a whole check: the first check sees it, the next ones read it.
        for (int i = 0; i < 6; i++)
        {
            tls.reloadIfChanged();
            assertEquals(firstCertificate, tls.certificate(), "the certificate before serves while the renewal fails");
        }
        tls.reloadIfChanged();
        assertEquals(second.x509(), tls.certificate(), "read again though the files did not change again");
        assertEquals(1, counters.tlsReloads.sum());
        assertEquals(1, counters.tlsReloadFailures.sum(), "a run of read failures is counted once");
    }
}
