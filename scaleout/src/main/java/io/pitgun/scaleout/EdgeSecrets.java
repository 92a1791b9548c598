package io.pitgun.scaleout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shared secrets that authenticate shipping ({@link BatchAuthenticator}). On the hive, a file of one edge per
 * line, {@code EDGE_ID SECRET} ({@code pitgun hive --edge-secrets FILE}; blank lines and {@code #} comments
 * ignored); on an edge, a file holding its secret alone ({@code SHIP_SECRET_FILE}). A secret is at least
 * {@value #MIN_SECRET_LENGTH} characters (e.g. {@code openssl rand -hex 32}), used as its UTF-8 bytes.
 */
public final class EdgeSecrets
{
    /** Shortest secret accepted: 32 characters of {@code openssl rand -hex} are 128 bits. */
    public static final int MIN_SECRET_LENGTH = 32;

    private final long[] msbs;
    private final long[] lsbs;
    private final byte[][] secrets;
    private final Path file;

    private EdgeSecrets(final Path file, final long[] msbs, final long[] lsbs, final byte[][] secrets)
    {
        this.file = file;
        this.msbs = msbs;
        this.lsbs = lsbs;
        this.secrets = secrets;
    }

    /**
     * Reads a hive's secrets file.
     *
     * @throws IllegalArgumentException naming the line of a malformed entry, a short secret or a repeated edge id.
     */
    public static EdgeSecrets read(final Path file)
    {
        final List<String> lines = lines(file);
        final List<UUID> ids = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            final UUID id;
            try
            {
                id = fields.length == 2 ? UUID.fromString(fields[0]) : null;
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": '" + fields[0] +
                    "' is not an edge id (a UUID, the edge's DATA_DIR/edge-id)", ex);
            }
            if (id == null)
            {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected EDGE_ID SECRET");
            }
            if (ids.contains(id))
            {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": edge " + id + " is listed twice");
            }
            ids.add(id);
            values.add(secret(fields[1], file + " line " + (i + 1)));
        }
        final long[] msbs = new long[ids.size()];
        final long[] lsbs = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++)
        {
            msbs[i] = ids.get(i).getMostSignificantBits();
            lsbs[i] = ids.get(i).getLeastSignificantBits();
        }
        return new EdgeSecrets(file, msbs, lsbs, values.toArray(new byte[0][]));
    }

    /** Reads an edge's secret file: its first non-blank line. */
    public static byte[] readEdgeSecret(final Path file)
    {
        for (final String line : lines(file))
        {
            if (!line.isBlank())
            {
                return secret(line.strip(), file.toString());
            }
        }
        throw new IllegalArgumentException(file + ": holds no secret");
    }

    /** The file these secrets were read from (the hive reads it again when it changes). */
    public Path file()
    {
        return file;
    }

    /** Edges listed. */
    public int size()
    {
        return secrets.length;
    }

    /** A new authenticator for each edge listed, in the file's order. */
    BatchAuthenticator[] authenticators()
    {
        final BatchAuthenticator[] all = new BatchAuthenticator[secrets.length];
        for (int i = 0; i < secrets.length; i++)
        {
            all[i] = new BatchAuthenticator(secrets[i]);
        }
        return all;
    }

    /** The position of the edge in {@link #authenticators()}, or -1; a linear scan, no allocation. */
    int indexOf(final long msb, final long lsb)
    {
        for (int i = 0; i < msbs.length; i++)
        {
            if (msbs[i] == msb && lsbs[i] == lsb)
            {
                return i;
            }
        }
        return -1;
    }

    private static byte[] secret(final String text, final String where)
    {
        if (text.length() < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException(where + ": a secret of " + text.length() + " characters; at least " +
                MIN_SECRET_LENGTH + " (e.g. openssl rand -hex 32)");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> lines(final Path file)
    {
        try
        {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }
}
