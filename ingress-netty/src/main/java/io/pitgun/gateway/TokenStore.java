package io.pitgun.gateway;

import io.netty.util.concurrent.FastThreadLocal;
import io.pitgun.engine.FileStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's tokens ({@code TOKENS_FILE}), reloaded without a restart. {@link #poll} runs every
 * {@value #POLL_MS} ms on a thread that serves no request (the accept loop): when the file's modification time,
 * size or identity (inode: {@code pitgun token} replaces the file by a move) changed, it reads the file and
 * publishes the new {@link TokenSnapshot} through a volatile field. The request path only reads that field: no lock,
 * no file access.
 *
 * <p>A file that no longer parses (a hand edit in progress) keeps the last good snapshot, logged as an error once per
 * change; a file that is gone leaves no token valid (fail closed: deleting the file revokes everything). A file that
 * is there but cannot be read (an I/O error: EMFILE while the gateway is at its descriptor limit, permissions) also
 * leaves no token valid, and is read again at every poll until it can be, whether or not it changes meanwhile: the
 * failure may be the gateway's, not the file's. Before, the version that failed was taken as looked at, and a
 * gateway that ran out of descriptors for a moment refused every token until someone touched the file. Such a
 * failure is counted once, logged when it starts, again at most every {@value #STILL_FAILING_LOG_MS} ms while it
 * lasts, and when it ends; while it lasts {@code pitgun_gateway_token_file_unreadable} is 1 and {@code GET /health}
 * says {@code token_file_unreadable}.
 */
final class TokenStore
{
    /** How often the file is looked at: a revocation takes effect within this much (plus one read). */
    static final long POLL_MS = 250;
    /** While the file cannot be read, at most one log line this often: the poll retries every {@link #POLL_MS}. */
    static final long STILL_FAILING_LOG_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);

    private final Path file;
    private final GatewayCounters counters;
    /** The dictionary the tokens' channel allow-lists name. */
    private final io.pitgun.codecs.dictionary.ParameterRegistry registry;
    private final FastThreadLocal<TokenHasher> hashers = new FastThreadLocal<>()
    {
        @Override
        protected TokenHasher initialValue()
        {
            return new TokenHasher();
        }
    };
    private final TokenReader reader;
    private volatile TokenSnapshot snapshot;
    /** The file's version last dealt with: a {@link FileStamp}, or a string saying why there is none; null while its
     *  read fails for want of I/O, so that the next poll reads it again. */
    private Object stamp;
    /** While reads fail: when the failure began (ms, for the log) and when it was last logged; tries since. */
    private long failingSinceMs;
    private long failureLoggedMs;
    private long failedTries;

    /** How the file is read: {@link TokenFile#read(Path, io.pitgun.codecs.dictionary.ParameterRegistry)}, or a
     *  test's stand-in for a failure that no file system change can make (a process out of descriptors). */
    @FunctionalInterface
    interface TokenReader
    {
        /**
         * The tokens in {@code file}.
         *
         * @throws java.io.UncheckedIOException     if it cannot be read.
         * @throws IllegalArgumentException if it is not a token file.
         */
        TokenSnapshot read(Path file, io.pitgun.codecs.dictionary.ParameterRegistry registry);
    }

    /**
     * Reads {@code file} once.
     *
     * @throws GatewayConfigException if it cannot be read: a gateway never starts with tokens it cannot check.
     */
    TokenStore(final Path file, final GatewayCounters counters,
        final io.pitgun.codecs.dictionary.ParameterRegistry registry)
    {
        this(file, counters, registry, TokenFile::read);
    }

    /** As {@link #TokenStore(Path, GatewayCounters, io.pitgun.codecs.dictionary.ParameterRegistry)}, reading with
     *  {@code reader}. */
    TokenStore(final Path file, final GatewayCounters counters,
        final io.pitgun.codecs.dictionary.ParameterRegistry registry, final TokenReader reader)
    {
        this.file = file;
        this.counters = counters;
        this.registry = registry;
        this.reader = reader;
        try
        {
            this.stamp = FileStamp.of(file);
            this.snapshot = reader.read(file, registry);
        }
        catch (final IOException | IllegalArgumentException | java.io.UncheckedIOException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.TOKENS_FILE.label() + ": " +
                (ex instanceof NoSuchFileException ? file + " does not exist (create it with pitgun token add " +
                "--file " + file + " ...)" : ex.getMessage())));
        }
        LOG.info("tokens: {} from {}", snapshot.tokens().size(), file);
    }

    /** The tokens now. */
    TokenSnapshot snapshot()
    {
        return snapshot;
    }

    /** The token {@code authorization} presents (checked against the current snapshot), or null. */
    AccessToken authenticate(final TokenSnapshot tokens, final String authorization)
    {
        return tokens.authenticate(authorization, hashers.get());
    }

    /**
     * Reloads the file if it changed, or if reading it failed last time. One thread only (the accept loop's
     * schedule).
     */
    void poll()
    {
        Object now;
        try
        {
            now = FileStamp.of(file);
        }
        catch (final NoSuchFileException ex)
        {
            now = "missing";
        }
        catch (final IOException ex)
        {
            now = "unreadable: " + ex.getMessage();
        }
        if (Objects.equals(now, stamp))
        {
            return;
        }
        if (now instanceof String)
        {
            stamp = now;
            snapshot = new TokenSnapshot(List.of());
            counters.tokenReloadFailures.increment();
            failedTries = 0;
            // Deleting the file is a way to revoke every token: only a file that is there and unreadable is a fault.
            counters.tokenFileUnreadable.set("missing".equals(now) ? 0 : 1);
            LOG.error("tokens: {} is {}: no token is valid until it is back", file, now);
            return;
        }
        try
        {
            snapshot = reader.read(file, registry);
            stamp = now;
            counters.tokenReloads.increment();
            if (failedTries > 0)
            {
                LOG.info("tokens: read {} again after {} failed tries over {} ms, {} tokens", file, failedTries,
                    System.currentTimeMillis() - failingSinceMs, snapshot.tokens().size());
            }
            else
            {
                LOG.info("tokens: reloaded {}, {} tokens", file, snapshot.tokens().size());
            }
            readFailureEnded();
        }
        catch (final java.io.UncheckedIOException ex)
        {
            // Unreadable (permissions, I/O): fail closed, as for a missing file. Keeping the old tokens would keep a
            // token revoked in this very file valid (a revoke run as another user leaves a file this one cannot read).
            // The stamp is not taken: the cause may be this process's (out of descriptors), so every poll reads again.
            snapshot = new TokenSnapshot(List.of());
            stamp = null;
            readFailed(ex);
        }
        catch (final IllegalArgumentException ex)
        {
            // Readable but not a token file (a hand edit half saved): the tokens read before stay in force. Reading
            // it again would give the same answer, so its stamp is taken; the next edit is read.
            stamp = now;
            readFailureEnded();
            counters.tokenReloadFailures.increment();
            LOG.error("tokens: {} changed but cannot be read, the tokens read before stay in force: {}", file,
                ex.getMessage());
        }
    }

    /** A read failed: counted and logged when a run of failures starts, logged again at most every minute. */
    private void readFailed(final java.io.UncheckedIOException ex)
    {
        final long nowMs = System.currentTimeMillis();
        if (failedTries++ == 0)
        {
            failingSinceMs = nowMs;
            failureLoggedMs = nowMs;
            counters.tokenReloadFailures.increment();
            counters.tokenFileUnreadable.set(1);
            LOG.error("tokens: {} cannot be read ({}): no token is valid until it can be; reading it again every {} " +
                "ms", file, ex.getMessage(), POLL_MS);
        }
        else if (nowMs - failureLoggedMs >= STILL_FAILING_LOG_MS)
        {
            failureLoggedMs = nowMs;
            LOG.error("tokens: {} still cannot be read after {} tries over {} ms ({}): no token is valid", file,
                failedTries, nowMs - failingSinceMs, ex.getMessage());
        }
    }

    private void readFailureEnded()
    {
        failedTries = 0;
        counters.tokenFileUnreadable.set(0);
    }

}
