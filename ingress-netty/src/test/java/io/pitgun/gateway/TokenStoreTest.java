package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A token file that changed and could not be read for a reason of the gateway's own (out of file descriptors) is read
 * again at the next polls, though it does not change again. Black-box: at the descriptor limit the gateway logged
 * "tokens.json changed but cannot be read", and once descriptors were back every token was still refused (401, more
 * than 30 s later) until someone touched the file. No file system change makes a read fail and later succeed with
 * the file's stamp unchanged (as root, permissions do not stop a read), so the failure is the reader's.
 */
class TokenStoreTest
{
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(TokenStore.class);

    @Test
    void shouldReadAFileAgainAfterAReadFailedThoughItDidNotChangeAgain()
    {
        final Path file = dir.resolve("tokens.json");
        final String first = TokenFile.add(file, "first", EnumSet.of(Capability.INGEST), 0);
        final GatewayCounters counters = new GatewayCounters();
        final AtomicInteger failuresToCome = new AtomicInteger();
        final TokenStore store = new TokenStore(file, counters, ParameterRegistry.simV1(), (path, registry) ->
        {
            if (failuresToCome.getAndDecrement() > 0)
            {
                throw new UncheckedIOException(path + ": cannot be read",
                    new IOException(path + ": Too many open files"));
            }
            return TokenFile.read(path, registry);
        });
        assertNotNull(authenticate(store, first));

        // The file changes (a token added) while the gateway is out of descriptors: 20 polls' reads fail.
        final String second = TokenFile.add(file, "second", EnumSet.of(Capability.INGEST), 0);
        failuresToCome.set(20);
        for (int i = 0; i < 20; i++)
        {
            store.poll();
            assertNull(authenticate(store, first), "fail closed while the file cannot be read");
        }
        final long unreadableWhileFailing = counters.tokenFileUnreadable.sum();
        final long errorLinesWhileFailing = errors();

        // Descriptors are back; the file is as it was: the next poll reads it.
        store.poll();
        assertNotNull(authenticate(store, first), "read again though the file did not change again");
        assertNotNull(authenticate(store, second));
        assertEquals(1, unreadableWhileFailing, "pitgun_gateway_token_file_unreadable while it failed");
        assertEquals(1, counters.tokenReloadFailures.sum(), "a run of failures is counted once");
        assertEquals(1, errorLinesWhileFailing, "a run of failures is logged once, not once per poll");
        assertEquals(0, counters.tokenFileUnreadable.sum());
        assertEquals(1, counters.tokenReloads.sum());
        store.poll();
        assertEquals(1, counters.tokenReloads.sum(), "read once more, not at every poll after");
    }

    private static AccessToken authenticate(final TokenStore store, final String token)
    {
        return store.authenticate(store.snapshot(), "Bearer " + token);
    }

    private long errors()
    {
        return log.at(Level.ERROR).stream().count();
    }
}
