package io.pitgun.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes rows into {@code ROOT/<session>/<hour><ext>}. A file is written under a hidden temporary name
 * ({@code .<name>.inprogress}) and renamed when complete, so a reader globbing {@code *.parquet} never sees half a
 * file; a file of an hour that is complete and gets more rows is followed by {@code <hour>.1<ext>}, {@code .2}, ...
 * A file holds one session's rows of one UTC hour and is completed when it reaches the {@link FileRotation} limits,
 * when its session ends ({@link #closeSession}), at {@link #close}, and when more than {@value #MAX_OPEN_FILES} files
 * are open (the one written longest ago: open files, and the rows each buffers, stay bounded however many sessions a
 * journal holds).
 *
 * <p>An export keeps a file open per session and hour, so frames of two sources whose clocks straddle an hour
 * boundary fill two files, not one file per flip. The live sink ({@link #live}) keeps one file per session, written
 * in journal order, which its resume relies on: there a frame of another hour completes the session's file. An
 * existing file is never overwritten: the export fails naming it, the live sink numbers its file after the ones
 * already there (a restart continues an hour in {@code <hour>.N}).
 */
final class PartitionedFrameWriter implements AutoCloseable
{
    private static final DateTimeFormatter HOUR =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final long US_PER_HOUR = 3_600_000_000L;
    private static final int SIZE_CHECK_EVERY = 64;
    /**
     * Files open at once, at most; the least recently written is completed to open another. A bound on descriptors
     * and buffered rows; more sessions than this writing at once, interleaved, would complete a small file at almost
     * every row, so it is well above the sessions a gateway usually serves at once.
     */
    static final int MAX_OPEN_FILES = 256;

    private final Path root;
    private final FrameTable table;
    private final ExportFormat format;
    private final FileRotation rotation;
    private final Map<String, String> provenance;
    /** By session (live) or session and hour (export), least recently written first. */
    private final LinkedHashMap<String, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * Files begun per session and hour, for numbering an export's parts. Not kept by the live writer, which numbers
     * after the files already there anyway: it runs for as long as the gateway, and an entry per session it ever
     * wrote grew its heap for good (two per session, with the derived table's writer).
     */
    private final Map<String, Integer> partsWritten = new HashMap<>();
    private final List<ExportedFile> files = new ArrayList<>();
    private final Consumer<ExportedFile> completed;
    private final boolean numberAfterExisting;
    /** For a table whose rows name no journal index (derived): the range its files' footers name instead. */
    private final SelectionRange selection;

    /**
     * @param provenance the keys every file's footer carries; each file adds its session and journal index range.
     * @param selection  for a derived table, whose rows name no journal index, the messages the rows were derived
     *                   from: its range is each file's journal range. Null for the journal-frame table.
     */
    PartitionedFrameWriter(final Path root, final FrameTable table, final ExportFormat format,
        final FileRotation rotation, final Map<String, String> provenance, final SelectionRange selection)
    {
        this(root, table, format, rotation, provenance, selection, null, false);
    }

    private PartitionedFrameWriter(final Path root, final FrameTable table, final ExportFormat format,
        final FileRotation rotation, final Map<String, String> provenance, final SelectionRange selection,
        final Consumer<ExportedFile> completed, final boolean numberAfterExisting)
    {
        if (table.isJournalFrames() != (selection == null))
        {
            throw new IllegalArgumentException("a selection range is for a derived table, and needed by one");
        }
        if (format == ExportFormat.PARQUET)
        {
            table.requireParquetNames(); // before any file is written
        }
        this.root = root;
        this.table = table;
        this.format = format;
        this.rotation = rotation;
        this.provenance = provenance;
        this.selection = selection;
        this.completed = completed != null ? completed : files::add;
        this.numberAfterExisting = numberAfterExisting;
    }

    /**
     * A writer for the live sink: it keeps no list of its files (it runs for as long as the gateway) but hands each
     * completed one to {@code completed}, and a file of an hour that already has files takes the next free number.
     */
    static PartitionedFrameWriter live(final Path root, final FrameTable table, final FileRotation rotation,
        final Map<String, String> provenance, final SelectionRange selection, final Consumer<ExportedFile> completed)
    {
        return new PartitionedFrameWriter(root, table, ExportFormat.PARQUET, rotation, provenance, selection,
            completed, true);
    }

    /** Appends the row to its session's file, rotating first when needed. */
    void write(final FrameRow row) throws IOException
    {
        final String session = row.sessionId();
        final long hour = Math.floorDiv(row.timestampUs, US_PER_HOUR);
        final String key = numberAfterExisting ? session : session + '/' + hour;
        OpenFile file = open.get(key);
        if (file != null && (file.hour != hour || full(file)))
        {
            finish(file);
            open.remove(key);
            file = null;
        }
        if (file == null)
        {
            if (open.size() >= MAX_OPEN_FILES)
            {
                final Iterator<OpenFile> eldest = open.values().iterator();
                final OpenFile leastRecent = eldest.next();
                eldest.remove();
                finish(leastRecent);
            }
            file = begin(session, hour);
            open.put(key, file);
        }
        file.writer.write(row);
        if (file.rows == 0)
        {
            file.firstIndex = row.journalIndex;
        }
        file.lastIndex = row.journalIndex;
        file.rows++;
        file.lastWriteNs = System.nanoTime();
    }

    /** Completes the session's open files, if any (its session ended: nothing more will come for it). */
    void closeSession(final String session) throws IOException
    {
        final Iterator<OpenFile> it = open.values().iterator();
        while (it.hasNext())
        {
            final OpenFile file = it.next();
            if (file.session.equals(session))
            {
                it.remove();
                finish(file);
            }
        }
    }

    /**
     * Completes every file that has had no row for {@code idleNs}, so what it holds becomes readable (a Parquet file
     * is readable only once its footer is written).
     */
    void closeIdle(final long nowNs, final long idleNs) throws IOException
    {
        final Iterator<OpenFile> it = open.values().iterator();
        while (it.hasNext())
        {
            final OpenFile file = it.next();
            if (nowNs - file.lastWriteNs >= idleNs)
            {
                it.remove();
                finish(file);
            }
        }
    }

    private boolean full(final OpenFile file) throws IOException
    {
        if (rotation.maxFileRows() > 0 && file.rows >= rotation.maxFileRows())
        {
            return true;
        }
        // The Parquet size estimate walks every column: asked every 64 rows, a file overshoots by at most that.
        return file.rows % SIZE_CHECK_EVERY == 0 && file.writer.sizeBytes() >= rotation.maxFileBytes();
    }

    private OpenFile begin(final String session, final long hour) throws IOException
    {
        final String hourName = HOUR.format(Instant.ofEpochSecond(hour * 3600));
        final String key = session + '/' + hourName;
        int part = numberAfterExisting ? 0 : partsWritten.merge(key, 1, Integer::sum) - 1;
        final Path directory = root.resolve(session);
        Files.createDirectories(directory);
        String name = hourName + (part == 0 ? "" : "." + part) + format.extension();
        while (numberAfterExisting && Files.exists(directory.resolve(name)))
        {
            part++;
            name = hourName + "." + part + format.extension();
        }
        if (!numberAfterExisting)
        {
            partsWritten.put(key, part + 1);
        }
        final Path target = directory.resolve(name);
        if (Files.exists(target))
        {
            throw new FileAlreadyExistsException(target.toString(), null,
                "an earlier export wrote it; export into a new directory or remove it");
        }
        final Path temporary = directory.resolve("." + name + ".inprogress");
        Files.deleteIfExists(temporary); // left by an export that died; never a finished file
        final RowFileWriter writer = format == ExportFormat.PARQUET ?
            new ParquetRowFileWriter(temporary, table) : new CsvRowFileWriter(temporary, table);
        return new OpenFile(session, hour, target, temporary, writer);
    }

    private void finish(final OpenFile file) throws IOException
    {
        // A derived row was derived from messages already selected, so the selection so far bounds the file's rows.
        final long firstIndex = selection == null ? file.firstIndex : selection.first();
        final long lastIndex = selection == null ? file.lastIndex : selection.last();
        final Map<String, String> footer = new LinkedHashMap<>(provenance);
        footer.put(ProvenanceKeys.SESSION, file.session);
        footer.put(ProvenanceKeys.JOURNAL_FIRST_INDEX, Long.toString(firstIndex));
        footer.put(ProvenanceKeys.JOURNAL_LAST_INDEX, Long.toString(lastIndex));
        file.writer.close(footer);
        Files.move(file.temporary, file.target, StandardCopyOption.ATOMIC_MOVE);
        completed.accept(new ExportedFile(file.target, file.session, file.rows, Files.size(file.target), firstIndex,
            lastIndex));
    }

    FrameTable table()
    {
        return table;
    }

    /** The files completed so far, in the order they were completed. */
    List<ExportedFile> files()
    {
        return files;
    }

    /** Sessions and hours whose part numbers are kept (tests: none for the live writer). */
    int partNumbersKept()
    {
        return partsWritten.size();
    }

    /** Completes every open file. */
    @Override
    public void close()
    {
        try
        {
            for (final OpenFile file : open.values())
            {
                finish(file);
            }
            open.clear();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * After a failure: closes every open file and deletes it (it was never renamed into place); the files
     * completed before stay.
     */
    void abort()
    {
        for (final OpenFile file : open.values())
        {
            try
            {
                file.writer.close(Map.of());
            }
            catch (final IOException | RuntimeException ignored)
            {
                // deleted next: what it holds is incomplete anyway
            }
            try
            {
                Files.deleteIfExists(file.temporary);
            }
            catch (final IOException ignored)
            {
                // a hidden .inprogress file: a later export of the same hour deletes it
            }
        }
        open.clear();
    }

    private static final class OpenFile
    {
        final String session;
        final long hour;
        final Path target;
        final Path temporary;
        final RowFileWriter writer;
        long rows;
        long firstIndex;
        long lastIndex;
        long lastWriteNs;

        OpenFile(final String session, final long hour, final Path target, final Path temporary,
            final RowFileWriter writer)
        {
            this.session = session;
            this.hour = hour;
            this.target = target;
            this.temporary = temporary;
            this.writer = writer;
        }
    }
}
