package io.pitgun.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token file ({@code TOKENS_FILE}): JSON, {@code {"format":"pitgun-tokens/v1","tokens":[{"id":"ci",
 * "secret_sha256":"<64 hex>","capabilities":["ingest"],"rate_limit":0,"created":"...","sessions":[...],
 * "channels":[...]}]}} ({@code sessions} and {@code channels} optional allow-lists). Secrets are 256 random
 * bits shown once by {@link #add}; the file holds only their SHA-256. Every change is written to a temporary file
 * in the same directory and moved over the old one, so the gateway's reload never reads a half-written file.
 */
public final class TokenFile
{
    /** The value of {@code format}. */
    public static final String FORMAT = "pitgun-tokens/v1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;

    private TokenFile()
    {
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it.
     */
    public static TokenSnapshot read(final Path file)
    {
        return new TokenSnapshot(uniqueEntries(file));
    }

    /**
     * Reads {@code file} and resolves each token's allow-lists against {@code registry} (the gateway's dictionary).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it, or a channel not in the dictionary.
     */
    static TokenSnapshot read(final Path file, final io.pitgun.codecs.dictionary.ParameterRegistry registry)
    {
        final List<AccessToken> tokens = uniqueEntries(file);
        try
        {
            return new TokenSnapshot(tokens, registry);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Adds a token to {@code file} (created if missing, readable by its owner only) and returns what the client
     * presents, {@code ID.SECRET}: shown this once, never stored.
     *
     * @param rateLimitPerSecond 0 for the gateway's {@code RATE_LIMIT}.
     * @throws IllegalArgumentException if the id is taken or not an id, or no capability is given.
     */
    public static String add(final Path file, final String id, final Set<Capability> capabilities,
        final int rateLimitPerSecond)
    {
        return add(file, id, capabilities, rateLimitPerSecond, List.of(), List.of());
    }

    /**
     * Adds a token limited to {@code sessions} (session ids, or prefixes ending in {@code *}) and {@code channels}
     * (dictionary channel names); an empty list does not limit. Otherwise as {@link #add(Path, String, Set, int)}.
     *
     * @throws IllegalArgumentException also for a session pattern that is not a session id or a prefix of one.
     */
    public static String add(final Path file, final String id, final Set<Capability> capabilities,
        final int rateLimitPerSecond, final List<String> sessions, final List<String> channels)
    {
        checkNewToken(id, capabilities, rateLimitPerSecond, sessions, channels);
        final List<AccessToken> tokens = Files.exists(file) ? uniqueEntries(file) : new ArrayList<>();
        for (final AccessToken token : tokens)
        {
            if (token.id().equals(id))
            {
                throw new IllegalArgumentException("token id '" + id + "' is already in " + file +
                    "; revoke it first or choose another id");
            }
        }
        final byte[] secretBytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secretBytes);
        final String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        final byte[] hash = new TokenHasher().sha256(secret, 0, secret.length()).clone();
        tokens.add(new AccessToken(id, hash, AccessToken.mask(capabilities), rateLimitPerSecond,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), sessions, channels));
        write(file, tokens);
        return id + "." + secret;
    }

    /**
     * The checks of a new token's own values, which need no file: what {@link #add} refuses before it reads one (a
     * caller can tell a value wrong in itself from a file that cannot take the token).
     *
     * @throws IllegalArgumentException naming the first value that is not an id, capability set, rate limit or
     *     allow-list.
     */
    public static void checkNewToken(final String id, final Set<Capability> capabilities,
        final int rateLimitPerSecond, final List<String> sessions, final List<String> channels)
    {
        checkAllowLists(sessions, channels);
        final String idProblem = AccessToken.idProblem(id);
        if (idProblem != null)
        {
            throw new IllegalArgumentException(idProblem);
        }
        if (capabilities.isEmpty())
        {
            throw new IllegalArgumentException("a token needs at least one capability: " + Capability.choices());
        }
        if (rateLimitPerSecond < 0)
        {
            throw new IllegalArgumentException("rate limit " + rateLimitPerSecond + " is negative");
        }
    }

    /** Removes token {@code id} from {@code file}; false if it holds none. */
    public static boolean revoke(final Path file, final String id)
    {
        final List<AccessToken> tokens = entries(file);
        final boolean removed = tokens.removeIf(token -> token.id().equals(id));
        if (removed)
        {
            write(file, tokens);
        }
        return removed;
    }

    /**
     * Replaces the allow-lists of token {@code id} (its secret and capabilities stay); empty lists lift the limit. A
     * running gateway applies them from its next look at the file, to connections already open too.
     *
     * @return false if {@code file} holds no such token.
     * @throws IllegalArgumentException for a session pattern that is not a session id or a prefix of one.
     */
    public static boolean allow(final Path file, final String id, final List<String> sessions,
        final List<String> channels)
    {
        checkAllowLists(sessions, channels);
        final List<AccessToken> tokens = uniqueEntries(file);
        for (int i = 0; i < tokens.size(); i++)
        {
            final AccessToken token = tokens.get(i);
            if (token.id().equals(id))
            {
                tokens.set(i, new AccessToken(id, token.secretSha256(), token.capabilities(),
                    token.rateLimitPerSecond(), token.created(), sessions, channels));
                write(file, tokens);
                return true;
            }
        }
        return false;
    }

    /**
     * The checks of allow-lists, which need no file: what {@link #allow} refuses before it reads one.
     *
     * @throws IllegalArgumentException for a session pattern that is not a session id or a prefix of one, or an
     *     empty channel name.
     */
    public static void checkAllowLists(final List<String> sessions, final List<String> channels)
    {
        for (final String session : sessions)
        {
            final String problem = TokenScope.sessionPatternProblem(session);
            if (problem != null)
            {
                throw new IllegalArgumentException(problem);
            }
        }
        for (final String channel : channels)
        {
            if (channel.isBlank())
            {
                throw new IllegalArgumentException("an empty channel name in the channel allow-list");
            }
        }
    }

    /**
     * The entries of {@code file}, each id once. A file that gives an id twice (two files merged by hand) is refused:
     * the gateway kept the last entry of the id and {@code allow} changed the first, so a narrowed allow-list said
     * "now allows" and limited nothing. {@link #revoke} reads the entries without this check, since it removes every
     * entry of the id: it is the way out, and a revocation must never wait for a file to be tidied.
     */
    private static List<AccessToken> uniqueEntries(final Path file)
    {
        final List<AccessToken> tokens = entries(file);
        final Map<String, Integer> firstAt = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++)
        {
            final Integer first = firstAt.putIfAbsent(tokens.get(i).id(), i);
            if (first != null)
            {
                throw new IllegalArgumentException(file + ": /tokens/" + i + "/id: '" + tokens.get(i).id() +
                    "' is also the id of /tokens/" + first + ": one entry per id (pitgun token revoke --id " +
                    tokens.get(i).id() + " removes every entry of it; then add it again)");
            }
        }
        return tokens;
    }

    private static List<AccessToken> entries(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            // Not readable at all (permissions, I/O): distinct from a file that is there and is not JSON.
            throw new UncheckedIOException(file + ": cannot be read: " + ex, ex);
        }
        final JsonNode root;
        try
        {
            root = JSON.readTree(bytes);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(file + ": cannot be read as JSON: " + ex.getMessage(), ex);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText()))
        {
            throw new IllegalArgumentException(file + ": not a token file (\"format\": \"" + FORMAT + "\" missing)");
        }
        final JsonNode array = root.path("tokens");
        if (!array.isArray())
        {
            throw new IllegalArgumentException(file + ": /tokens must be an array");
        }
        final List<AccessToken> tokens = new ArrayList<>();
        for (int i = 0; i < array.size(); i++)
        {
            tokens.add(entry(file, "/tokens/" + i, array.get(i)));
        }
        return tokens;
    }

    private static AccessToken entry(final Path file, final String pointer, final JsonNode node)
    {
        final String id = node.path("id").asText(null);
        final String idProblem = AccessToken.idProblem(id);
        if (idProblem != null)
        {
            throw new IllegalArgumentException(file + ": " + pointer + "/id: " + idProblem);
        }
        final byte[] hash;
        try
        {
            hash = HexFormat.of().parseHex(node.path("secret_sha256").asText(""));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": " + pointer + "/secret_sha256: not hexadecimal", ex);
        }
        if (hash.length != 32)
        {
            throw new IllegalArgumentException(file + ": " + pointer + "/secret_sha256: must be 64 hex digits");
        }
        int mask = 0;
        final JsonNode capabilities = node.path("capabilities");
        if (!capabilities.isArray())
        {
            throw new IllegalArgumentException(file + ": " + pointer + "/capabilities must be an array");
        }
        for (final Iterator<JsonNode> it = capabilities.elements(); it.hasNext(); )
        {
            try
            {
                mask |= Capability.fromSymbol(it.next().asText()).bit();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(file + ": " + pointer + "/capabilities: " + ex.getMessage(), ex);
            }
        }
        final int rateLimit = node.path("rate_limit").asInt(0);
        if (rateLimit < 0)
        {
            throw new IllegalArgumentException(file + ": " + pointer + "/rate_limit: must not be negative");
        }
        final List<String> sessions = strings(file, pointer + "/sessions", node.path("sessions"));
        final List<String> channels = strings(file, pointer + "/channels", node.path("channels"));
        try
        {
            checkAllowLists(sessions, channels);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": " + pointer + ": " + ex.getMessage(), ex);
        }
        return new AccessToken(id, hash, mask, rateLimit, node.path("created").asText(""), sessions, channels);
    }

    /** An optional array of strings (absent: empty). */
    private static List<String> strings(final Path file, final String pointer, final JsonNode node)
    {
        if (node.isMissingNode() || node.isNull())
        {
            return List.of();
        }
        if (!node.isArray())
        {
            throw new IllegalArgumentException(file + ": " + pointer + " must be an array of strings");
        }
        final List<String> values = new ArrayList<>();
        for (final JsonNode element : node)
        {
            if (!element.isTextual())
            {
                throw new IllegalArgumentException(file + ": " + pointer + " must be an array of strings");
            }
            values.add(element.asText());
        }
        return values;
    }

    private static void write(final Path named, final List<AccessToken> tokens)
    {
        final ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        final ArrayNode array = root.putArray("tokens");
        for (final AccessToken token : tokens)
        {
            final ObjectNode entry = array.addObject().put("id", token.id())
                .put("secret_sha256", HexFormat.of().formatHex(token.secretSha256()));
            final ArrayNode capabilities = entry.putArray("capabilities");
            token.capabilitySet().forEach(capability -> capabilities.add(capability.symbol()));
            entry.put("rate_limit", token.rateLimitPerSecond()).put("created", token.created());
            // Written only when set: a token without allow-lists reads as before they existed.
            if (!token.sessions().isEmpty())
            {
                final ArrayNode sessions = entry.putArray("sessions");
                token.sessions().forEach(sessions::add);
            }
            if (!token.channels().isEmpty())
            {
                final ArrayNode channels = entry.putArray("channels");
                token.channels().forEach(channels::add);
            }
        }
        try
        {
            // Through a symbolic link to the file the gateway reads: moving the new file over the link itself would
            // replace the link, and the gateway would go on reading the old tokens (a revocation that did nothing).
            final Path file = linkTarget(named);
            final Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            final Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            try
            {
                ownerOnly(temporary);
                Files.write(temporary, JSON.writeValueAsBytes(root));
                keepOwner(file, temporary);
                try
                {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                catch (final AtomicMoveNotSupportedException ex)
                {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            finally
            {
                Files.deleteIfExists(temporary);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(named + ": cannot be written: " + ex.getMessage(), ex);
        }
    }

    /**
     * The file {@code named} stands for: itself, or through symbolic links (up to 40, as the kernel follows them) the
     * file they name, which need not exist yet (a link made before the first {@code token add}).
     */
    private static Path linkTarget(final Path named) throws IOException
    {
        Path file = named;
        for (int links = 0; Files.isSymbolicLink(file); links++)
        {
            if (links == 40)
            {
                throw new IOException("too many levels of symbolic links");
            }
            file = file.toAbsolutePath().getParent().resolve(Files.readSymbolicLink(file));
        }
        return file;
    }

    /**
     * The rewritten file keeps the owner and group of the one it replaces (when this process may set them: root, or
     * the owner itself): {@code sudo pitgun token revoke} must not leave a file the gateway's user cannot read, or the
     * revocation would not reach the gateway. Best effort: where it cannot, the gateway finds the file unreadable and
     * refuses every token until it is fixed (fail closed, {@link TokenStore}).
     */
    private static void keepOwner(final Path file, final Path temporary)
    {
        if (!Files.exists(file))
        {
            return;
        }
        try
        {
            final java.nio.file.attribute.PosixFileAttributes old =
                Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class);
            Files.setOwner(temporary, old.owner());
            Files.getFileAttributeView(temporary, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(old.group());
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            // Not permitted (another user's file) or not POSIX: the file stays the writer's.
        }
    }

    /** The hashes are not secrets, but who holds which capability is nobody else's business. */
    private static void ownerOnly(final Path path) throws IOException
    {
        try
        {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final UnsupportedOperationException ex)
        {
            // Not a POSIX file system: its own permissions apply.
        }
    }
}
