package io.pitgun.cli;

import io.pitgun.gateway.AccessToken;
import io.pitgun.gateway.Capability;
import io.pitgun.gateway.TokenFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code pitgun token add|list|revoke|allow --file F}: edits the gateway's token file ({@code TOKENS_FILE}); a running
 * gateway picks each change up by itself (docs/security.md).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage the gateway's bearer tokens (PITGUN_GATEWAY_TOKENS_FILE); a running gateway reloads the " +
        "file by itself. See docs/security.md.",
    subcommands = {TokenCommand.Add.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class,
        TokenCommand.Allow.class})
final class TokenCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code pitgun token add}: a new token, printed once on stdout (the file keeps only its hash). */
    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add a token and print it, ID.SECRET, on stdout: this is the only time the secret is shown " +
            "(the file keeps its SHA-256). Clients send it as 'Authorization: Bearer ID.SECRET'.",
        exitCodeList = {"0:added", "1:the id is taken, or the file cannot be read or written"})
    static final class Add implements Callable<Integer>
    {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The token file (created if missing).")
        Path file;

        @Option(names = "--id", required = true, paramLabel = "ID",
            description = "The token's id: letters, digits, '_' and '-', at most 64; it names the client in rate " +
                "limits, RESTRICTED_CLIENTS and logs.")
        String id;

        @Option(names = "--capability", required = true, split = ",", paramLabel = "CAPABILITY",
            description = "What it may do, comma-separated: ingest, subscribe, read_restricted, metrics, admin.")
        List<String> capabilities;

        @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "0",
            description = "Its own limit in requests (and WebSocket messages) per second, burst one second's worth; " +
                "0 (default): the gateway's RATE_LIMIT.")
        int rateLimit;

        @Option(names = "--sessions", split = ",", paramLabel = "SESSION",
            description = "Only these sessions, comma-separated: session ids, or a prefix of one ending in '*' " +
                "(0192f3a4-*). Default: every session.")
        List<String> sessions = List.of();

        @Option(names = "--channels", split = ",", paramLabel = "CHANNEL",
            description = "Only these dictionary channels (and, for subscribers, what derives from them only), " +
                "comma-separated. Default: every channel its capabilities allow.")
        List<String> channels = List.of();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            final Set<Capability> set = EnumSet.noneOf(Capability.class);
            try
            {
                for (final String capability : capabilities)
                {
                    set.add(Capability.fromSymbol(capability));
                }
                TokenFile.checkNewToken(id, set, rateLimit, sessions, channels);
            }
            catch (final IllegalArgumentException ex)
            {
                // A value wrong in itself is a usage error (exit 2); what the file refuses below fails (exit 1).
                throw CliErrorHandler.usageError(spec, "pitgun token add: " + ex.getMessage());
            }
            try
            {
                final String token = TokenFile.add(file, id, set, rateLimit, sessions, channels);
                spec.commandLine().getErr().println("pitgun token: added '" + id + "' (" + symbols(set) + ") to " +
                    file + "; the token below is shown this once");
                spec.commandLine().getOut().println(token);
                return 0;
            }
            catch (final IllegalArgumentException | UncheckedIOException ex)
            {
                spec.commandLine().getErr().println("pitgun token add: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
        }
    }

    /** {@code pitgun token list}: ids and capabilities, never secrets (the file has none). */
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the tokens of a file: id, capabilities, own rate limit, when added. Secrets are not in " +
            "the file.",
        exitCodeList = {"0:listed", "1:the file does not exist or cannot be read"})
    static final class ListTokens implements Callable<Integer>
    {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The token file.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            if (!Files.exists(file))
            {
                spec.commandLine().getErr().println("pitgun token list: " + file + " does not exist");
                return CliErrorHandler.FAILED;
            }
            final List<AccessToken> tokens;
            try
            {
                tokens = TokenFile.read(file).tokens();
            }
            catch (final IllegalArgumentException | UncheckedIOException ex)
            {
                spec.commandLine().getErr().println("pitgun token list: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            spec.commandLine().getOut().printf("%-24s %-50s %-10s %-20s %-40s %s%n", "id", "capabilities",
                "rate_limit", "created", "sessions", "channels");
            for (final AccessToken token : tokens)
            {
                spec.commandLine().getOut().printf("%-24s %-50s %-10s %-20s %-40s %s%n", token.id(),
                    symbols(token.capabilitySet()),
                    token.rateLimitPerSecond() == 0 ? "gateway" : Integer.toString(token.rateLimitPerSecond()),
                    token.created(), allOr(token.sessions()), allOr(token.channels()));
            }
            return 0;
        }
    }

    /** {@code pitgun token revoke}: removes a token; a running gateway refuses it within a second. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Remove a token from the file; a running gateway refuses it from its next look at the file " +
            "(every 250 ms), without a restart.",
        exitCodeList = {"0:removed", "1:no such token, or the file cannot be read or written"})
    static final class Revoke implements Callable<Integer>
    {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The token file.")
        Path file;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The token to remove.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            try
            {
                if (!Files.exists(file) || !TokenFile.revoke(file, id))
                {
                    spec.commandLine().getErr().println("pitgun token revoke: no token '" + id + "' in " + file);
                    return CliErrorHandler.FAILED;
                }
            }
            catch (final IllegalArgumentException | UncheckedIOException ex)
            {
                spec.commandLine().getErr().println("pitgun token revoke: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            spec.commandLine().getOut().println("pitgun token: revoked '" + id + "' in " + file);
            return 0;
        }
    }

    /** {@code pitgun token allow}: replaces a token's allow-lists; a running gateway applies them by itself. */
    @Command(name = "allow", mixinStandardHelpOptions = true,
        description = "Set which sessions and channels a token may use (its secret and capabilities stay); an " +
            "option left out lifts that limit. A running gateway applies the change within 250 ms, to open " +
            "connections too.",
        exitCodeList = {"0:set", "1:no such token, or the file cannot be read or written"})
    static final class Allow implements Callable<Integer>
    {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The token file.")
        Path file;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The token to change.")
        String id;

        @Option(names = "--sessions", split = ",", paramLabel = "SESSION",
            description = "Only these sessions: session ids, or a prefix of one ending in '*'. Default: every session.")
        List<String> sessions = List.of();

        @Option(names = "--channels", split = ",", paramLabel = "CHANNEL",
            description = "Only these dictionary channels. Default: every channel its capabilities allow.")
        List<String> channels = List.of();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            try
            {
                TokenFile.checkAllowLists(sessions, channels);
            }
            catch (final IllegalArgumentException ex)
            {
                throw CliErrorHandler.usageError(spec, "pitgun token allow: " + ex.getMessage());
            }
            try
            {
                if (!Files.exists(file) || !TokenFile.allow(file, id, sessions, channels))
                {
                    spec.commandLine().getErr().println("pitgun token allow: no token '" + id + "' in " + file);
                    return CliErrorHandler.FAILED;
                }
            }
            catch (final IllegalArgumentException | UncheckedIOException ex)
            {
                spec.commandLine().getErr().println("pitgun token allow: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            spec.commandLine().getOut().println("pitgun token: '" + id + "' in " + file + " now allows sessions " +
                allOr(sessions) + ", channels " + allOr(channels));
            return 0;
        }
    }

    private static String allOr(final List<String> values)
    {
        return values.isEmpty() ? "all" : String.join(",", values);
    }

    private static String symbols(final Set<Capability> capabilities)
    {
        return capabilities.stream().map(Capability::symbol).collect(Collectors.joining(","));
    }
}
