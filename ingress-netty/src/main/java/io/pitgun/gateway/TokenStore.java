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
 * change; a file that is gone leaves no token valid (fail closed: deleting the file revokes everything).
 */
final class TokenStore
{
    /** How often the file is looked at: a revocation takes effect within this much (plus one read). */
    static final long POLL_MS = 250;

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
    private volatile TokenSnapshot snapshot;
    /** The file's version last looked at: a {@link FileStamp}, or a string saying why there is none. */
    private Object stamp;

    /**
     * Reads {@code file} once.
     *
     * @throws GatewayConfigException if it cannot be read: a gateway never starts with tokens it cannot check.
     */
    TokenStore(final Path file, final GatewayCounters counters,
        final io.pitgun.codecs.dictionary.ParameterRegistry registry)
    {
        this.file = file;
        this.counters = counters;
        this.registry = registry;
        try
        {
            this.stamp = FileStamp.of(file);
            this.snapshot = TokenFile.read(file, registry);
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

    /** Reloads the file if it changed. One thread only (the accept loop's schedule). */
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
        stamp = now;
        if (now instanceof String)
        {
            snapshot = new TokenSnapshot(List.of());
            counters.tokenReloadFailures.increment();
            LOG.error("tokens: {} is {}: no token is valid until it is back", file, now);
            return;
        }
        try
        {
            snapshot = TokenFile.read(file, registry);
            counters.tokenReloads.increment();
            LOG.info("tokens: reloaded {}, {} tokens", file, snapshot.tokens().size());
        }
        catch (final java.io.UncheckedIOException ex)
        {
            // Unreadable (permissions, I/O): fail closed, as for a missing file. Keeping the old tokens would keep a
            // token revoked in this very file valid (a revoke run as another user leaves a file this one cannot read).
            snapshot = new TokenSnapshot(List.of());
            counters.tokenReloadFailures.increment();
            LOG.error("tokens: {} changed but cannot be read ({}): no token is valid until it can be", file,
                ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            // Readable but not a token file (a hand edit half saved): the tokens read before stay in force.
            counters.tokenReloadFailures.increment();
            LOG.error("tokens: {} changed but cannot be read, the tokens read before stay in force: {}", file,
                ex.getMessage());
        }
    }

}
