package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A Chronicle Queue journal of accepted frames: one directory, one writer, any number of readers (in this process
 * or others). Each entry is an SBE message as accepted plus its ingest time; {@link JournalEntryDescriptor} draws
 * the layout.
 * <p>
 * Each entry is a batch of messages; the "indices" this API takes and returns are message positions
 * ({@link JournalEntryDescriptor#position}: the Chronicle entry index, cycle number in the high bits, then the
 * message's ordinal in its entry). They increase with every message but are not contiguous, so count messages by
 * reading them, not by subtracting positions.
 * <p>
 * <b>Threading:</b> {@link #open}, {@link #appender}, {@link #tailer} and {@link #close} may be called from any
 * thread; appending is confined to one thread and each tailer to one thread (see {@link JournalAppender},
 * {@link JournalTailer}). Close only after the writing and reading threads have stopped using the journal.
 */
public final class Journal implements AutoCloseable
{
    /** What {@link #firstIndex()}, {@link #lastIndex()} and {@link JournalAppender#lastAppendedIndex()} return
     *  when there is no entry: Chronicle indices are never negative. */
    public static final long NO_INDEX = -1;

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final JournalConfig config;
    private final SingleChronicleQueue queue;
    private final JournalSpaceGuard spaceGuard;
    private final List<JournalTailer> tailers = new ArrayList<>();
    /** Read-only: the cycle files before the first one left were deleted (see {@link #deletedFirstCycleFiles}). */
    private final DeletedCycleFiles deletedFirst;
    /** Read-only: {@code metadata.cq4t} was not there at the open (see {@link #missingMetadata}). */
    private final boolean metadataMissing;
    private JournalAppender appender;
    /**
     * Read-only: the last cycle file found cut short, with where, before Chronicle first searched it for the last
     * entry ({@link #requireNoCutFile}); "" once it was found whole; null before the first search.
     */
    private String cutLastFile;
    /** Read-only: as {@link #cutLastFile}, for any cycle file, before Chronicle first counted entries. */
    private String cutAnyFile;
    /**
     * Writable: the Chronicle index of the last entry written, by any appender of this journal (or found at the open),
     * {@link CycleMarker#NONE} before the first: what the marker of a new cycle file records. Read and set with a
     * release store after each commit (a plain store on x86), once Chronicle's write lock is released: a value read
     * late is an earlier entry, so it can hide a gap; one read early is another appender's entry after the commit's,
     * which the commit neither records over nor marks its file with ({@link JournalAppender}), so no marker names an
     * entry after its file's first: a gap is never invented.
     */
    private final AtomicLong lastEntryWritten;
    /**
     * Writable: the cycle {@code metadata.cq4t} recorded as the journal's last at the open when its file was gone
     * (deleted after the last writer stopped), until the next cycle file's marker has said so; else
     * {@link #NO_MISSING_CYCLE}. The open lists the files again and forgets it, so the marker is the only record.
     */
    private final AtomicInteger missingLastCycle;

    /** No cycle file found missing at the open ({@link #missingLastCycle}). */
    static final int NO_MISSING_CYCLE = Integer.MIN_VALUE;

    private Journal(final JournalConfig config, final SingleChronicleQueue queue, final JournalSpaceGuard spaceGuard,
        final long lastEntryAtOpen, final int missingLastCycle, final boolean metadataMissing)
    {
        this.config = config;
        this.queue = queue;
        this.spaceGuard = spaceGuard;
        this.lastEntryWritten = new AtomicLong(lastEntryAtOpen);
        this.missingLastCycle = new AtomicInteger(missingLastCycle);
        this.deletedFirst = config.readOnly() ? findDeletedFirstCycleFiles(queue, config.directory()) : null;
        this.metadataMissing = metadataMissing;
    }

    /**
     * Opens the journal in {@code config.directory()}, creating the directory when writing. A writable open
     * repairs a metadata file that a process killed while creating it left half-written.
     *
     * @throws JournalException naming the directory when it cannot be created, or, read-only, holds no journal or
     *                          a half-written metadata file, or, writable, its last cycle file does not read through
     *                          in order to its last index (appended frames could not be read; see
     *                          {@link ReadableTail}); a {@link JournalFullException} when a new journal would
     *                          leave less than its {@code minFreeBytes} free.
     */
    public static Journal open(final JournalConfig config)
    {
        return open(config, null);
    }

    /**
     * As {@link #open(JournalConfig)}, measuring the free space the appender checks with {@code space} instead of
     * the directory's file store when it is not null: a quota of the embedder's own, or a test's simulated disk.
     */
    public static Journal open(final JournalConfig config, final JournalSpaceGuard.UsableSpace space)
    {
        final Path directory = config.directory();
        final RollCycle rollCycle = RollCycleNames.byName(config.rollCycle());
        if (config.readOnly())
        {
            requireExistingJournal(directory);
        }
        else
        {
            try
            {
                Files.createDirectories(directory);
            }
            catch (final IOException ex)
            {
                throw new JournalException(directory + ": cannot create the journal directory: " + ex, ex);
            }
        }
        requirePositionRoom(rollCycle, config.rollCycle());
        final JournalSpaceGuard spaceGuard = config.readOnly() ? null : space != null ?
            new JournalSpaceGuard(space, config.minFreeBytes()) :
            JournalSpaceGuard.forDirectory(directory, config.minFreeBytes());
        if (spaceGuard != null && !Files.exists(HalfCreatedMetadata.file(directory)) && !spaceGuard.hasRoomFor(0))
        {
            // Chronicle would create its files as sparse mappings, where a full file system is a SIGBUS at the first
            // store (an InternalError), not an error a caller can report.
            throw new JournalFullException(directory + ": cannot create the journal: " + spaceGuard.usableBytes() +
                " bytes free on its file system, below the " + spaceGuard.minFreeBytes() + " bytes it must leave free" +
                (spaceGuard.measureFailure() == null ? "" : " (" + spaceGuard.measureFailure() + ")"));
        }
        try
        {
            ForeignCycleFiles.requireCycleFiles(directory);
            // A metadata file a killed process left half-created would keep Chronicle from opening the journal.
            if (config.readOnly())
            {
                HalfCreatedMetadata.requireComplete(directory);
            }
            else
            {
                HalfCreatedMetadata.repair(directory);
                CutCycleFiles.requireWholeLastFile(directory);
            }
            DamagedMetadata.requireReadable(directory, config.readOnly());
            // Before the writable open lists the files again and forgets what metadata.cq4t recorded; else what
            // an earlier writer that found it and closed before starting a new cycle file kept.
            final int recordedMissing = config.readOnly() ? NO_MISSING_CYCLE : missingRecordedLastCycle(directory,
                rollCycle);
            final int missingCycle = recordedMissing != NO_MISSING_CYCLE || config.readOnly() ? recordedMissing :
                MissingCycleRecord.read(directory, NO_MISSING_CYCLE);
            // Looked at before Chronicle's open, which reads on without it and says so only in its own log's words.
            final boolean metadataMissing = config.readOnly() && !Files.exists(HalfCreatedMetadata.file(directory));
            final SingleChronicleQueue queue = ChronicleQueue.singleBuilder(directory)
                .rollCycle(rollCycle)
                .readOnly(config.readOnly())
                .build();
            long lastEntry = CycleMarker.NONE;
            if (!config.readOnly())
            {
                lastEntry = requireReadableTail(queue, directory);
            }
            else
            {
                requireListedCycleFiles(queue, directory);
            }
            final boolean missingAfterLastEntry = missingCycle != NO_MISSING_CYCLE && lastEntry != CycleMarker.NONE &&
                queue.rollCycle().toCycle(lastEntry) < missingCycle;
            if (!config.readOnly() && missingAfterLastEntry)
            {
                MissingCycleRecord.write(directory, missingCycle);
            }
            else if (!config.readOnly())
            {
                MissingCycleRecord.delete(directory); // none, or its marker is written: the last entry is past it
            }
            if (missingAfterLastEntry)
            {
                LOG.warn("{}: cycle file {}, which metadata.cq4t records as the journal's last, is gone (deleted or " +
                    "moved away since the last writer stopped): the next cycle file's marker will say that the " +
                    "entries after index {} are missing, so the journal's readers report the gap", directory,
                    cycleFileName(queue, missingCycle), JournalEntryDescriptor.position(lastEntry, 0));
            }
            return new Journal(config, queue, spaceGuard, lastEntry,
                missingAfterLastEntry ? missingCycle : NO_MISSING_CYCLE, metadataMissing);
        }
        catch (final JournalDamagedException ex)
        {
            // Kept apart: a caller that would retry the open (the hive, per edge batch) gives up on this one.
            throw new JournalDamagedException(directory + ": cannot open the journal: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            throw new JournalException(directory + ": cannot open the journal: " + ex.getMessage(), ex);
        }
    }

    /**
     * A reader refuses a journal whose {@code metadata.cq4t} lists no cycle file while cycle files are there: Chronicle
     * resets the listing to empty when it fails to list the directory (a writer out of file descriptors at a roll),
     * and a read-only open then reads nothing. Before, {@code journal stats} printed {@code entries 0 ... damaged
     * none} and {@code verify} "OK, 0 entries checked" (exit 0) for a journal of 9,855 frames. A writable open lists
     * the files again (a gateway's start), which repairs it.
     */
    private static void requireListedCycleFiles(final SingleChronicleQueue queue, final Path directory)
    {
        final int first;
        try
        {
            first = queue.firstCycle();
        }
        catch (final RuntimeException ex)
        {
            return; // no record to go by: the tools' reads report what they find
        }
        if (first != Integer.MAX_VALUE)
        {
            return; // the listing names a cycle: a file it does not find is another check's (missingLastCycleFile)
        }
        if (listsACycleWithin(queue, LISTING_SETTLE_NS))
        {
            return; // a writer had just made the journal's first cycle file, and listed it a moment later
        }
        final java.util.List<String> present;
        try (Stream<Path> files = Files.list(directory))
        {
            present = files.map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith(SingleChronicleQueue.SUFFIX)).sorted().toList();
        }
        catch (final IOException ex)
        {
            return; // the tools' own reads report the directory
        }
        if (!present.isEmpty())
        {
            queue.close();
            // Not JournalDamagedException: a reader that retries opens (a hive following an edge) may have met a
            // first cycle file created a moment before its listing, and should try again.
            throw new JournalException("its metadata.cq4t lists no cycle file, but " + present.size() +
                " are there (" + present.get(0) + (present.size() > 1 ? " .. " + present.get(present.size() - 1) : "") +
                "): the listing was reset by a failed write (e.g. a writer out of file descriptors), and read-only " +
                "it would read as empty. Start the gateway (or any writer) on it once, which lists the files again, " +
                "or read a copy of the directory without its metadata.cq4t");
        }
    }

    /**
     * How long a reader that finds a cycle file its listing does not name waits for the listing to name it: a writer
     * creates the journal's first cycle file, then lists it, and a reader opening between the two (a hive following
     * a new edge's journal, a test polling it) must not take that moment for a reset listing. A reset one stays.
     */
    private static final long LISTING_SETTLE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    /** Whether the queue's listing names a cycle within {@code waitNs}, looked at every millisecond (cold path). */
    private static boolean listsACycleWithin(final SingleChronicleQueue queue, final long waitNs)
    {
        final long deadline = System.nanoTime() + waitNs;
        while (System.nanoTime() - deadline < 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            try
            {
                queue.refreshDirectoryListing(); // read the listing the writer keeps in metadata.cq4t again
            }
            catch (final RuntimeException ex)
            {
                return false; // no listing to go by: the tools' reads report what they find
            }
            if (queue.firstCycle() != Integer.MAX_VALUE)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A writer refuses a journal whose last cycle file does not read through ({@link ReadableTail}).
     *
     * @return the Chronicle index of the journal's last entry, or {@link CycleMarker#NONE}.
     */
    private static long requireReadableTail(final SingleChronicleQueue queue, final Path directory)
    {
        try
        {
            return ReadableTail.require(queue, directory);
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
    }

    /** Positions put the ordinal below the Chronicle index, so indices up to the year 2200 must leave it room. */
    private static void requirePositionRoom(final RollCycle rollCycle, final String name)
    {
        final long year2200Millis = 7_258_118_400_000L;
        final int cycle = (int)Math.min(Integer.MAX_VALUE, year2200Millis / rollCycle.lengthInMillis());
        final long lastIndex = rollCycle.toIndex(cycle, rollCycle.maxMessagesPerCycle() - 1);
        if (lastIndex < 0 || Long.numberOfLeadingZeros(lastIndex) <= JournalEntryDescriptor.ORDINAL_BITS)
        {
            throw new JournalException("rollCycle: " + name + " has indices too large to name messages in a " +
                "batch (they need more than " + (63 - JournalEntryDescriptor.ORDINAL_BITS) + " bits); use e.g. " +
                JournalConfig.DEFAULT_ROLL_CYCLE);
        }
    }

    private static void requireExistingJournal(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new JournalException(directory + ": no journal here (not a directory)");
        }
        try (Stream<Path> files = Files.list(directory))
        {
            // An opened but never written journal holds only its metadata file.
            if (files.map(file -> file.getFileName().toString())
                .noneMatch(name -> name.endsWith(SingleChronicleQueue.SUFFIX) ||
                    name.equals(SingleChronicleQueue.QUEUE_METADATA_FILE)))
            {
                throw new JournalException(directory + ": no journal here (no Chronicle Queue files)");
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException(directory + ": cannot list the journal directory: " + ex, ex);
        }
    }

    /** How the journal was opened. */
    public JournalConfig config()
    {
        return config;
    }

    /**
     * The free-space guard every append consults (see {@link JournalSpaceGuard}); other threads may ask it too,
     * e.g. to refuse new data early while the file system is short of space.
     *
     * @throws IllegalStateException if the journal was opened read-only.
     */
    public JournalSpaceGuard spaceGuard()
    {
        if (spaceGuard == null)
        {
            throw new IllegalStateException(config.directory() + ": the journal was opened read-only");
        }
        return spaceGuard;
    }

    /**
     * The journal's single appender (the same object on every call).
     *
     * @throws IllegalStateException if the journal was opened read-only.
     */
    public synchronized JournalAppender appender()
    {
        if (config.readOnly())
        {
            throw new IllegalStateException(config.directory() + ": the journal was opened read-only");
        }
        if (appender == null)
        {
            appender = new JournalAppender(this);
        }
        return appender;
    }

    /**
     * Appends an entry holding one message with an appender of its own, closed before it returns: for the
     * provenance a pipeline writes once as it starts ({@code ManifestLoaded}, {@code PolicyLoaded}) and its
     * graceful stop ({@code PipelineDrained}), from a thread
     * that is not the one the {@linkplain #appender() single appender} is confined to. Chronicle serialises appenders
     * with its write lock, so the entry lands whole before or after any batch of the single appender. It may use
     * half the free-space headroom: a gateway restarted on a journal whose disk is below the headroom then starts
     * (and answers 507 until space returns) instead of exiting. Cold path.
     *
     * @return the message's position ({@link JournalEntryDescriptor#position}).
     * @throws IllegalStateException if the journal was opened read-only.
     * @throws JournalFullException  if not even half the headroom would be left (nothing is written).
     */
    public long appendProvenance(final DirectBuffer buffer, final int offset, final int length,
        final long ingestTimeNs)
    {
        if (config.readOnly())
        {
            throw new IllegalStateException(config.directory() + ": the journal was opened read-only");
        }
        final JournalAppender once = new JournalAppender(this);
        try
        {
            if (spaceGuard != null && !once.reserveWithinHeadroom(JournalAppender.bytesFor(1, length)))
            {
                throw new JournalFullException(config.directory() + ": " + spaceGuard.shortage() + ", and not " +
                    "even half of it is left for the pipeline's provenance; nothing was written");
            }
            final long position = once.append(buffer, offset, length, ingestTimeNs);
            watchForCut(position);
            return position;
        }
        finally
        {
            once.close();
        }
    }

    /** A new reader positioned at the first entry; use one per thread and close it when done. */
    public synchronized JournalTailer tailer()
    {
        final JournalTailer tailer = new JournalTailer(this);
        tailers.add(tailer);
        return tailer;
    }

    /** Position of the first message ({@link JournalEntryDescriptor#position}), or {@link #NO_INDEX} if the
     *  journal is empty. */
    public long firstIndex()
    {
        if (deletedFirst != null)
        {
            return deletedFirst.firstIndex();
        }
        final long index;
        try
        {
            index = queue.firstIndex();
        }
        catch (final InternalError ex)
        {
            throw damageOf(ex); // never null for an InternalError
        }
        return index < 0 || index == Long.MAX_VALUE ? NO_INDEX : JournalEntryDescriptor.position(index, 0);
    }

    /**
     * Position of the last message of the last complete entry, or {@link #NO_INDEX} if the journal is empty. Reads
     * that entry's message count (a cold path: it creates and closes a Chronicle tailer).
     *
     * @throws JournalException saying the journal is DAMAGED, and which cycle file is cut short when one is, if
     *                          reading the files faulted (Chronicle reads the last cycle's records up to its end).
     */
    public long lastIndex()
    {
        if (config.readOnly())
        {
            cutLastFile = requireNoCutFile(cutLastFile, true);
        }
        try
        {
            return lastPosition();
        }
        catch (final InternalError | RuntimeException ex)
        {
            // Chronicle's search for the end may also throw (its reading of a record cut off whose header claims
            // more than the file holds: "Failed to acquireByteStore ..."), depending on where the cut falls.
            final JournalDamagedException damage = damageOf(ex);
            if (damage == null)
            {
                throw ex;
            }
            throw damage;
        }
    }

    /**
     * The journal's last index, and when finding it failed (a cycle file cut short), why: the journal tools then read
     * in order as far as they can, without it.
     *
     * @param index   the last index ({@link #NO_INDEX} when empty), or {@code unknownIndex} when not found.
     * @param unknown why it could not be found, or null.
     */
    public record LastIndex(long index, JournalDamagedException unknown)
    {
    }

    /** {@link #lastIndex()}, or {@code unknownIndex} and why when finding it faulted. */
    public LastIndex lastIndexOrDamage(final long unknownIndex)
    {
        try
        {
            return new LastIndex(lastIndex(), null);
        }
        catch (final JournalDamagedException ex)
        {
            return new LastIndex(unknownIndex, ex);
        }
    }

    private long lastPosition()
    {
        final long index = queue.lastIndex();
        if (index < 0 || index == Long.MAX_VALUE)
        {
            return NO_INDEX;
        }
        int count = 1;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (tailer.moveToIndex(index))
            {
                try (DocumentContext document = tailer.readingDocument())
                {
                    final Bytes<?> bytes = document.wire() == null ? null : document.wire().bytes();
                    if (document.isPresent() && bytes != null &&
                        bytes.readRemaining() >= JournalEntryDescriptor.ENTRY_HEADER_LENGTH)
                    {
                        final int stored = bytes.readInt(bytes.readPosition() + JournalEntryDescriptor.COUNT_OFFSET);
                        // A damaged count cannot name a message: the entry's first position is the safe answer.
                        count = stored >= 1 && stored <= JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY ? stored : 1;
                    }
                }
            }
        }
        return JournalEntryDescriptor.position(index, count - 1);
    }

    /**
     * Number of complete entries (batches, not messages) holding the positions {@code [fromIndex, toIndex]} (reads
     * the cycle files' index, not the entries).
     */
    public long countEntries(final long fromIndex, final long toIndex)
    {
        if (fromIndex == NO_INDEX || toIndex < fromIndex)
        {
            return 0;
        }
        if (config.readOnly())
        {
            cutAnyFile = requireNoCutFile(cutAnyFile, false);
        }
        try
        {
            return queue.countExcerpts(JournalEntryDescriptor.entryIndex(fromIndex),
                JournalEntryDescriptor.entryIndex(toIndex)) + 1;
        }
        catch (final InternalError ex)
        {
            throw damageOf(ex); // never null for an InternalError
        }
    }

    /**
     * Refuses to let Chronicle search a read-only journal's cycle files when one it would search is cut short: its
     * search for the last entry scans the last file, its count of entries any file of the range. Chronicle maps past
     * a cut file's end and faults (a SIGBUS), and the JVM raises that fault in compiled code as an
     * {@link InternalError} not where it happened but at a later point of the same thread: inside a logger, or
     * between a lock's acquisition and the try block that would release it, leaving the lock held for good. A process
     * that had read a cut journal a few times then failed in unrelated code, and once every {@code Journal.close}
     * parked for ever on Chronicle's resource releaser's lock. The files are walked once, at the first search, with
     * positional reads that cannot fault ({@link CutCycleFiles}); a writable open has refused a last file cut short.
     *
     * @param found    what an earlier walk found ("" for nothing cut), or null before the first.
     * @param lastOnly whether only the last cycle file is walked.
     * @return what the walk found: "" for nothing cut.
     * @throws JournalDamagedException naming the file cut short and where.
     */
    private String requireNoCutFile(final String found, final boolean lastOnly)
    {
        String cut = found;
        if (cut == null)
        {
            final Path directory = config.directory();
            cut = Objects.requireNonNullElse(
                lastOnly ? CutCycleFiles.describeLast(directory) : CutCycleFiles.describe(directory), "");
        }
        if (!cut.isEmpty())
        {
            throw new JournalDamagedException(config.directory() + ": DAMAGED: " + cut +
                "; its files were not searched for their entries");
        }
        return cut;
    }

    /**
     * What a failure reading this journal's cycle files means when it is damage, as the journal error the tools
     * report (naming the file cut short when one is), else null. Two kinds are damage:
     * <ul>
     * <li>an {@link InternalError}, always: the JVM's fault reading a mapped file (a SIGBUS, e.g. past the end of a
     * file cut short). The JVM stays usable but the mapping does not: callers stop reading this journal and close
     * it;</li>
     * <li>a {@link RuntimeException} of Chronicle's when a cycle file is cut short (its reading of a record cut off,
     * e.g. "Failed to acquireByteStore ..."): null when no file is, as it is then not this kind of damage.</li>
     * </ul>
     * Any other throwable is not damage: null.
     */
    public JournalDamagedException damageOf(final Throwable ex)
    {
        final boolean damaged = ex instanceof InternalError ||
            ex instanceof RuntimeException && CutCycleFiles.describe(config.directory()) != null;
        return !damaged ? null : new JournalDamagedException(config.directory() + ": DAMAGED: " +
            CutCycleFiles.describeFault(config.directory(), ex) + "; nothing after the fault was read", ex);
    }

    /**
     * The cycle file {@code metadata.cq4t} records as the journal's last when that file is missing (deleted or moved
     * away), else null: Chronicle then finds only the files left and reports fewer entries, or none, without a
     * word. Reads what a read-only open found in the metadata; a writable open lists the files again and records
     * what it finds there, so a journal written since has forgotten the missing file.
     *
     * @return the missing cycle's first position ({@link JournalEntryDescriptor#position}) and its file name.
     */
    public MissingCycleFile missingLastCycleFile()
    {
        if (!config.readOnly())
        {
            return null;
        }
        final int cycle;
        try
        {
            cycle = queue.lastCycle();
        }
        catch (final RuntimeException ex)
        {
            return null; // no record to go by
        }
        if (cycle < 0 || cycle == Integer.MAX_VALUE)
        {
            return null;
        }
        final String name = cycleFileName(queue, cycle);
        if (Files.exists(config.directory().resolve(name)))
        {
            return null;
        }
        return new MissingCycleFile(JournalEntryDescriptor.position(queue.rollCycle().toIndex(cycle, 0), 0), name);
    }

    /**
     * A cycle file the journal's metadata records but the directory lacks.
     *
     * @param firstIndex the first position its entries would have.
     * @param fileName   its file name, e.g. {@code 20261206-03F.cq4}.
     */
    public record MissingCycleFile(long firstIndex, String fileName)
    {
        /** Says what is missing, for a tool's report. */
        public String describe()
        {
            return "cycle file " + fileName + " is missing, though metadata.cq4t records its cycle as the " +
                "journal's last: its entries cannot be read";
        }
    }

    /**
     * Read-only: the cycle files deleted from the journal's start, or null when its first cycle file is there (and
     * always for a writable open, which lists the files again). Deleting the oldest cycle files frees disk space
     * (docs/reliability.md); Chronicle's read-only open still takes the first cycle {@code metadata.cq4t} records
     * (a writer records the files it finds only when it rolls or opens), so its first index and a tailer's start
     * named a file that is gone and an in-order read found nothing. This journal starts at the first cycle file
     * left instead: {@link #firstIndex} and every {@link #tailer} start there. Found once, at the open.
     */
    public DeletedCycleFiles deletedFirstCycleFiles()
    {
        return deletedFirst;
    }

    /**
     * Read-only: says, for the tools' stderr, that the journal's {@code metadata.cq4t} was not there at the open
     * (deleted, or left out of a copy) and what is read instead; null when it was there, and always for a writable
     * open, which writes it again. Chronicle reads the cycle files without it, logging only its own WARN ("Failback
     * to readonly tablestore ... Metadata file not found in readOnly mode"), which names no journal and does not say
     * whether the entries were read.
     */
    public String missingMetadata()
    {
        return metadataMissing ? HalfCreatedMetadata.file(config.directory()).getFileName() + " is missing (deleted, " +
            "or left out of a copy): the cycle files are read without it, as they are found in the directory (the " +
            "gateway's next start on it writes it again)" : null;
    }

    /**
     * Cycle files deleted from a journal's start.
     *
     * @param recordedFirstFileName the first cycle file {@code metadata.cq4t} records, which is missing.
     * @param firstFileName         the first cycle file left: the journal starts there.
     * @param firstIndex            its first position ({@link JournalEntryDescriptor#position}).
     */
    public record DeletedCycleFiles(String recordedFirstFileName, String firstFileName, long firstIndex)
    {
        /** Says what the tools read, for their stderr. */
        public String describe()
        {
            return "older cycle files deleted (metadata.cq4t records " + recordedFirstFileName + " as the first, " +
                "which is gone): the journal starts at " + firstFileName + ", index " + firstIndex +
                "; the entries of the deleted files are not read";
        }
    }

    /** Chronicle cycle file names sort as their cycles do (fixed-width dates); a name of the cycle, e.g. 20261206-03F.cq4. */
    private static String cycleFileName(final SingleChronicleQueue queue, final int cycle)
    {
        final RollCycle rollCycle = queue.rollCycle();
        return DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(cycle * (long)rollCycle.lengthInMillis() + queue.epoch())) +
            SingleChronicleQueue.SUFFIX;
    }

    private static DeletedCycleFiles findDeletedFirstCycleFiles(final SingleChronicleQueue queue, final Path directory)
    {
        final int first;
        final int last;
        try
        {
            first = queue.firstCycle();
            last = queue.lastCycle();
        }
        catch (final RuntimeException ex)
        {
            return null; // no record to go by
        }
        if (first < 0 || first == Integer.MAX_VALUE || last < first)
        {
            return null;
        }
        final String recorded = cycleFileName(queue, first);
        if (Files.exists(directory.resolve(recorded)))
        {
            return null;
        }
        final java.util.TreeSet<String> names = new java.util.TreeSet<>();
        try (Stream<Path> files = Files.list(directory))
        {
            files.map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith(SingleChronicleQueue.SUFFIX))
                .forEach(names::add);
        }
        catch (final IOException ex)
        {
            return null; // the tools' own reads report the directory
        }
        // The first name after the recorded first that names a cycle up to the last, found by bisection (names
        // sort as cycles do) rather than by parsing the name back: a roll cycle's format need not name an instant
        // on its own (a weekly cycle's week-based year and week), but every cycle formats to one name. Other
        // files are passed over.
        for (final String name : names.tailSet(recorded, false))
        {
            int low = first + 1;
            int high = last;
            while (low <= high)
            {
                final int mid = (int)(((long)low + high) >>> 1);
                final int order = cycleFileName(queue, mid).compareTo(name);
                if (order == 0)
                {
                    return new DeletedCycleFiles(recorded, name,
                        JournalEntryDescriptor.position(queue.rollCycle().toIndex(mid, 0), 0));
                }
                if (order < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }
        }
        return null; // no cycle file left: the last one is missing too (missingLastCycleFile says so)
    }

    /** Flushes nothing (appends are already in the mapped files); releases the files and all open tailers. */
    @Override
    public synchronized void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        for (final JournalTailer tailer : new ArrayList<>(tailers))
        {
            tailer.close();
        }
        queue.close();
    }

    ExcerptAppender newChronicleAppender()
    {
        return queue.createAppender();
    }

    ExcerptTailer newChronicleTailer()
    {
        final ExcerptTailer tailer = queue.createTailer();
        if (deletedFirst != null)
        {
            // Chronicle's tailer would start at the first cycle metadata.cq4t records, whose file is gone.
            tailer.moveToIndex(JournalEntryDescriptor.entryIndex(deletedFirst.firstIndex()));
        }
        return tailer;
    }

    /** The Chronicle index of the last entry written ({@link #lastEntryWritten}). */
    long lastEntryWritten()
    {
        return lastEntryWritten.get();
    }

    /**
     * The cycle whose file was found missing at the open ({@link #missingLastCycle}), once: the appender that writes
     * the first entry of a new cycle file takes it for the file's marker. {@link #NO_MISSING_CYCLE} otherwise.
     */
    int takeMissingLastCycle()
    {
        return missingLastCycle.get() == NO_MISSING_CYCLE ? NO_MISSING_CYCLE :
            missingLastCycle.getAndSet(NO_MISSING_CYCLE);
    }

    /**
     * The cycle {@code metadata.cq4t} records as the journal's last when its file is gone, else
     * {@link #NO_MISSING_CYCLE}; read with a read-only queue (a writable one lists the files again). Cold: once per
     * writable open of a journal that has a {@code metadata.cq4t}.
     */
    private static int missingRecordedLastCycle(final Path directory, final RollCycle rollCycle)
    {
        final Path metadata = HalfCreatedMetadata.file(directory);
        if (!Files.exists(metadata) || DamagedMetadata.isEmpty(metadata))
        {
            return NO_MISSING_CYCLE; // nothing recorded (Chronicle's read-only open of an empty one logs a stack trace)
        }
        try (SingleChronicleQueue recorded = ChronicleQueue.singleBuilder(directory).rollCycle(rollCycle)
            .readOnly(true).build())
        {
            final int cycle = recorded.lastCycle();
            if (cycle < 0 || cycle == Integer.MAX_VALUE ||
                Files.exists(directory.resolve(cycleFileName(recorded, cycle))))
            {
                return NO_MISSING_CYCLE;
            }
            return cycle;
        }
        catch (final RuntimeException ex)
        {
            return NO_MISSING_CYCLE; // no record to go by: the writable open reports what it finds
        }
    }

    /** An appender of this journal wrote the entry at Chronicle index {@code entry}. */
    void onEntryWritten(final long entry)
    {
        lastEntryWritten.lazySet(entry);
    }

    RollCycle rollCycle()
    {
        return queue.rollCycle();
    }

    /**
     * Has the single appender's pretoucher, if one runs, watch the cycle file of {@code position} until its own first
     * entry: a pipeline journals its provenance before any frame, and a cycle file cut short after it would otherwise
     * go unseen until a write reached the part cut off ({@link JournalPretouchAgent#cutUnderWriter}).
     */
    private void watchForCut(final long position)
    {
        final JournalPretouchAgent pretoucher;
        synchronized (this)
        {
            pretoucher = appender == null ? null : appender.runningPretoucher();
        }
        if (pretoucher != null)
        {
            pretoucher.watchBeforeFirstAppend(
                cycleFile(queue.rollCycle().toCycle(JournalEntryDescriptor.entryIndex(position))));
        }
    }

    /** The file of the journal's last cycle, or null when it has none (or it is not there). Cold. */
    Path lastCycleFile()
    {
        final int cycle;
        try
        {
            cycle = queue.lastCycle();
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        final Path file = cycle < 0 || cycle == Integer.MAX_VALUE ? null : cycleFile(cycle);
        return file != null && Files.exists(file) ? file : null;
    }

    /** The file of {@code cycle} in the journal's directory (which may not exist). */
    Path cycleFile(final int cycle)
    {
        return config.directory().resolve(cycleFileName(queue, cycle));
    }

    synchronized void forget(final JournalTailer tailer)
    {
        tailers.remove(tailer);
    }
}
