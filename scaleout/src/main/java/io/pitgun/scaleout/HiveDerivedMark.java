package io.pitgun.scaleout;

import io.pitgun.engine.FrameRejectedException;
import io.pitgun.engine.OtherDictionaryException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The mark {@value HiveConfig#DERIVED_MARK_FILE} beside an edge's {@value HiveConfig#DERIVED_FILE}: what a whole
 * derivation covered, or what a derivation that failed for good covered, so that a restarted hive derives that edge
 * again only if something changed since.
 * <p>
 * <b>Written</b> only once a derivation has read the edge's journal to its end and closed its pipeline without a
 * failure (the output is then the replay's, byte for byte), or once it failed in a way the same journal and pipeline
 * fail every time ({@link #failsForGood}: the pipeline refused a message of the journal; the output then ends where
 * the replay's does, which fails there too): the output is forced to disk, then the mark is written to
 * a temporary file, forced, and renamed over the mark atomically, and the directory forced. <b>Deleted</b> (and the
 * directory forced) before a derivation truncates the output. So whatever moment a {@code kill -9} (or a power cut)
 * comes, a mark on disk describes a whole output; and it is <b>trusted</b> only if it names this hive's pipeline
 * ({@link #pipelineIdentity}), the journal still ends at the index it names and holds the same cycle files, of the
 * same sizes (one deleted from its start or middle changes what a replay writes; one replaced by another of the same
 * name and last index, restored from another backup or edited, may too), and the output still has the length and the
 * SHA-256 it names: a re-derivation cut short leaves a strict prefix of the whole output, never its length, and an
 * output edited in place (its length kept) no longer has its digest. The digest costs one read of the output when
 * marked and at each start, far less than deriving it again.
 * <p>
 * A failure that may not recur (an I/O error, a damaged journal entry, an error in a pipeline stage) leaves no mark:
 * the next start tries again.
 * <p>
 * Layout: UTF-8 text, these eight lines in this order, nothing else (v1 marks, without the output's digest, and v2
 * marks, without the cycle files' sizes, are {@link Distrust#UNREADABLE}: such an edge is derived again once):
 * <pre>
 * pitgun-hive-derived-output v3
 * journal_last_index=INDEX       the hive's journal of the edge ended at this index (Journal.lastIndex)
 * journal_files_sha256=HEX       of its cycle files (*.cq4), sorted by name: each "NAME SIZE\n" (SIZE in bytes)
 * edge_position=POSITION         the edge position of the last message derived
 * output_bytes=BYTES             derived.jsonl's length
 * output_sha256=HEX              derived.jsonl's SHA-256
 * pipeline_sha256=HEX            pipelineIdentity of the hive that derived it
 * failure=TEXT                   empty for a whole output, else why the derivation failed (one line, at most
 *                                {@value #MOST_FAILURE_CHARS} characters)
 * </pre>
 */
public final class HiveDerivedMark
{
    private static final String HEADER = "pitgun-hive-derived-output v3";
    private static final List<String> KEYS =
        List.of("journal_last_index", "journal_files_sha256", "edge_position", "output_bytes", "output_sha256",
            "pipeline_sha256", "failure");
    private static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** What of a failure's message a mark keeps: its start names the journal entry and the refusal. */
    static final int MOST_FAILURE_CHARS = 400;
    /** A mark is well under this (a few hundred bytes and the failure's UTF-8): anything longer is not one. */
    private static final int MOST_BYTES = 4_096;

    /** What a whole derivation, or one that failed for good ({@code failure} not empty), covered. */
    record Covered(long journalLastIndex, String journalFilesSha256, long edgePosition, long outputBytes,
        String outputSha256, String pipelineSha256, String failure)
    {
        /** Whether the derivation failed for good: its output ends where the replay's fails. */
        boolean failed()
        {
            return !failure.isEmpty();
        }
    }

    /** Why a mark on disk was not trusted ({@code pitgun_hive_derive_marks_distrusted_total}): the edge is derived
     *  again. */
    enum Distrust
    {
        /** Not this layout: damaged, cut short, or another program's file. */
        UNREADABLE,
        /** Written by a hive with another manifest, dictionary, pipeline configuration, signer or build. */
        PIPELINE,
        /**
         * The journal does not end where it did (it grew since, or was replaced), lost a cycle file, or has one of
         * another size.
         */
        JOURNAL,
        /** The output is missing or not the length the mark names (changed or cut short since). */
        OUTPUT,
        /** The output has the length the mark names but not its SHA-256 (edited in place since). */
        CONTENT;

        /** The metric label: the constant's name in lower case. */
        String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private HiveDerivedMark()
    {
    }

    /**
     * What an output must have been derived by to be trusted: the SHA-256 of the manifest's text, the dictionary's
     * meaning, the pipeline settings, the signer named in insights and the Pitgun build (version and commit), any of
     * which changes the output.
     */
    static String pipelineIdentity(final HivePipeline spec)
    {
        final String build = buildProperty("version") + " " + buildProperty("commit");
        return sha256("manifest " + spec.manifest().manifest().document().text() +
            "\ndictionary " + spec.manifest().registry().meaningSha256Hex() +
            "\nconfig " + spec.config() +
            "\nsigner " + (spec.source() == null ? "" : spec.source().signerKeyId().orElse("")) +
            "\nbuild " + build);
    }

    /**
     * The SHA-256 of a listing of the journal's cycle files, sorted by name: each {@code NAME SIZE\n}. The size is
     * what tells a cycle file replaced by another of the same name and last index (restored from another backup,
     * edited) without reading it (a digest of the journal would read all of it at every start); Chronicle allocates
     * a cycle file by mapped chunks, so it tells only one of another size, not one of the same size and other bytes.
     */
    static String journalFilesSha256(final Path journalDirectory) throws IOException
    {
        final List<Path> cycleFiles;
        try (Stream<Path> files = Files.list(journalDirectory))
        {
            cycleFiles = files.filter(file -> file.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX))
                .sorted(Comparator.comparing(file -> file.getFileName().toString())).toList();
        }
        final StringBuilder listing = new StringBuilder();
        for (final Path file : cycleFiles)
        {
            listing.append(file.getFileName()).append(' ').append(Files.size(file)).append('\n');
        }
        return sha256(listing.toString());
    }

    private static String sha256(final String text)
    {
        try
        {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", ex);
        }
    }

    /** The build's {@code pitgun-version.properties} value (the CLI's jar has it), or "unknown". */
    private static String buildProperty(final String key)
    {
        final Properties properties = new Properties();
        try (InputStream in = HiveDerivedMark.class.getResourceAsStream("/pitgun-version.properties"))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
        return properties.getProperty(key, "unknown");
    }

    /**
     * Whether a derivation that threw {@code failure} would fail alike every time on the same journal with the same
     * pipeline: the pipeline refused one of the journal's messages (not a Pitgun message, larger than a slot, outside
     * the dictionary, or after a {@code ManifestLoaded} of another dictionary). Anything else (I/O, a damaged journal
     * entry, which a repair may change without changing what the mark names, a bug) may not recur.
     */
    static boolean failsForGood(final Throwable failure)
    {
        return failure instanceof FrameRejectedException || failure instanceof OtherDictionaryException;
    }

    /** {@code failure}'s message as a mark keeps it: one line, at most {@value #MOST_FAILURE_CHARS} characters. */
    static String failureText(final Throwable failure)
    {
        final String text = String.valueOf(failure.getMessage()).replaceAll("[\\r\\n]+", " ");
        return text.isEmpty() ? failure.getClass().getSimpleName() :
            text.substring(0, Math.min(text.length(), MOST_FAILURE_CHARS));
    }

    /**
     * Forces {@code output} to disk, then writes {@code covered} as {@code mark} (a temporary file forced, renamed
     * over the mark atomically, the directory forced).
     */
    static void write(final Path mark, final Path output, final Covered covered) throws IOException
    {
        force(output);
        final String text = HEADER + "\n" +
            KEYS.get(0) + "=" + covered.journalLastIndex() + "\n" +
            KEYS.get(1) + "=" + covered.journalFilesSha256() + "\n" +
            KEYS.get(2) + "=" + covered.edgePosition() + "\n" +
            KEYS.get(3) + "=" + covered.outputBytes() + "\n" +
            KEYS.get(4) + "=" + covered.outputSha256() + "\n" +
            KEYS.get(5) + "=" + covered.pipelineSha256() + "\n" +
            KEYS.get(6) + "=" + covered.failure() + "\n";
        final Path temporary = mark.resolveSibling(mark.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try
        {
            Files.move(temporary, mark, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.deleteIfExists(temporary); // no mark rather than one that could be seen half written
            throw ex;
        }
        forceDirectory(mark.getParent());
    }

    /** Deletes {@code mark}, if there, and forces its directory: before the output it describes is truncated. */
    static void delete(final Path mark) throws IOException
    {
        if (Files.deleteIfExists(mark))
        {
            forceDirectory(mark.getParent());
        }
    }

    /**
     * Reads {@code mark} and checks it against what is on disk: why it is not to be trusted, or null when it is (the
     * output is as marked, whole or failed for good, and current). {@code journalLastIndex} is where the journal in
     * {@code journalDirectory} ends now.
     *
     * @throws NoSuchFileException when there is no mark (nothing to distrust: never derived whole by such a hive).
     */
    static Distrust check(final Path mark, final Path output, final Path journalDirectory, final long journalLastIndex,
        final String pipelineSha256) throws IOException
    {
        final Covered covered = read(mark);
        if (covered == null)
        {
            return Distrust.UNREADABLE;
        }
        if (!covered.pipelineSha256().equals(pipelineSha256))
        {
            return Distrust.PIPELINE;
        }
        if (covered.journalLastIndex() != journalLastIndex ||
            !covered.journalFilesSha256().equals(journalFilesSha256(journalDirectory)))
        {
            return Distrust.JOURNAL;
        }
        if (!Files.isRegularFile(output) || Files.size(output) != covered.outputBytes())
        {
            return Distrust.OUTPUT;
        }
        if (!outputSha256(output).equals(covered.outputSha256()))
        {
            return Distrust.CONTENT;
        }
        return null;
    }

    /** The SHA-256 of the output file, read whole ({@link HiveEdgeDeriver#sha256}), an I/O error as one. */
    static String outputSha256(final Path output) throws IOException
    {
        try
        {
            return HiveEdgeDeriver.sha256(output);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    /**
     * What {@code mark} says, for an operator ({@code pitgun hive status}): whole or failed for good (with why) at
     * which journal index, not there, or unreadable. Whether the mark is still trusted is the hive's to decide at
     * its next start (it compares the journal, the output and its pipeline); this only reads the file.
     */
    public static String describe(final Path mark) throws IOException
    {
        if (!Files.isRegularFile(mark))
        {
            return "derived mark none (the output is derived again at the hive's next start)";
        }
        final Covered covered = read(mark);
        if (covered == null)
        {
            return "derived mark unreadable (the output is derived again at the hive's next start)  " + mark;
        }
        return covered.failed() ?
            "derivation failed for good at journal index " + covered.journalLastIndex() + " (not tried again until " +
                "the journal or the hive's pipeline changes): " + covered.failure() :
            "derived mark whole at journal index " + covered.journalLastIndex();
    }

    /** The mark's contents, or null when they are not the layout (see the class comment). */
    static Covered read(final Path mark) throws IOException
    {
        final byte[] bytes;
        try (InputStream in = Files.newInputStream(mark))
        {
            bytes = in.readNBytes(MOST_BYTES + 1);
        }
        if (bytes.length > MOST_BYTES)
        {
            return null;
        }
        final String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        // The header, one line per key, and the empty string after the last line's newline.
        if (lines.length != KEYS.size() + 2 || !lines[0].equals(HEADER) || !lines[lines.length - 1].isEmpty())
        {
            return null;
        }
        final String[] values = new String[KEYS.size()];
        for (int i = 0; i < KEYS.size(); i++)
        {
            final String prefix = KEYS.get(i) + "=";
            if (!lines[i + 1].startsWith(prefix))
            {
                return null;
            }
            values[i] = lines[i + 1].substring(prefix.length());
        }
        try
        {
            return new Covered(Long.parseLong(values[0]), values[1], Long.parseLong(values[2]),
                Long.parseLong(values[3]), values[4], values[5], values[6]);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static void force(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
    }

    /** Makes a rename or delete in {@code directory} durable (Linux: fsync of the directory). */
    private static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
