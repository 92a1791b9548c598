package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Appends entries to a {@link Journal}: batches of SBE messages, one Chronicle document per batch
 * ({@link JournalEntryDescriptor}). Allocation-free after the first append of each cycle file, except for the free-space
 * measurement ({@link JournalSpaceGuard}: one {@code statvfs} every 20 ms, a few small objects, and one before it
 * refuses an entry after others were appended; while this appender's {@link #pretoucher} runs, it takes the regular
 * measurements instead, on its own thread).
 * <p>
 * A batch is {@link #begin()}, one or more {@link #add}, then {@link #commit()} (or {@link #abort()}); nothing of
 * it is visible to readers before {@code commit} returns, and then all of it is. {@link #append} is a batch of one.
 * {@code add} copies the message into an off-heap batch buffer; {@code commit} writes the whole batch into one
 * Chronicle document with a single copy, which costs far less than three Chronicle writes per message.
 * <p>
 * <b>Threading:</b> one appender per journal and one thread appending; the Chronicle appender is created by the
 * first batch on the thread that makes it, so the object may be handed from the thread that opened the journal to
 * the one that writes.
 * <p>
 * <b>Durability:</b> when {@code commit} returns, the entry is complete in the memory-mapped queue file: a reader
 * in any process sees it, and it survives the writing process being killed (the kernel owns the page cache). It
 * is not yet forced to the storage device, so a power loss may lose recent entries. An entry is written only while
 * the file system keeps {@link JournalConfig#minFreeBytes()} free ({@link JournalSpaceGuard}): a store into a
 * mapped page the file system cannot back faults, possibly after the document was committed, so running out of
 * space is caught before the write ({@link #tryCommit()}), never after.
 */
public final class JournalAppender
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Room for a full batch of typical frames; a batch holding a larger message grows it (cold). */
    private static final int INITIAL_BATCH_BYTES = 2 * JournalEntryDescriptor.MAX_ENTRY_BYTES;

    /** What {@link #tryCommit()} returns when the batch was not written for want of space. */
    public static final long NO_ROOM = -2;
    /** Room asked for per entry beyond its bytes: its Chronicle header, index slot and a fresh index page. */
    private static final int ENTRY_OVERHEAD_BYTES = 8192;
    /** What an entry takes beyond its bytes, usually (its header and index slot): the free-space estimate shrinks
     *  by this much, not by the worst case, so that small entries at a high rate do not starve the estimate. */
    private static final int ENTRY_HEADER_BYTES = 16;

    private static final Logger LOG = LoggerFactory.getLogger(JournalAppender.class);

    private final Journal journal;
    private final RollCycle rollCycle;
    private ExcerptAppender appender;
    private long writeFaults;
    /** Why nothing more can be written after a write fault ({@link #writeFault}), or null. */
    private String damage;
    private UnsafeBuffer batch = new UnsafeBuffer(ByteBuffer.allocateDirect(INITIAL_BATCH_BYTES));
    private boolean open;
    private int count;
    private int batchLength;
    private long lastAppendedIndex = Journal.NO_INDEX;
    /** Chronicle's index of the last entry this appender's Chronicle appender wrote (it only moves forward). */
    private long lastChronicleIndex = Long.MIN_VALUE;
    /** Bytes {@link #reserve} found room for and the commits since have not used up: they skip the guard. */
    private long reservedBytes;
    private JournalPretouchAgent pretoucher;

    JournalAppender(final Journal journal)
    {
        this.journal = journal;
        this.rollCycle = journal.rollCycle();
    }

    /**
     * Appends an entry holding one message: the SBE message (message header included) in
     * {@code buffer[offset, offset + length)}, plus metadata kept out of derived output (the ingest time, for
     * latency only).
     *
     * @return the message's position ({@link JournalEntryDescriptor#position}).
     * @throws IllegalArgumentException if {@code length} is not in {@code [1, MAX_MESSAGE_LENGTH]} (nothing is
     *                                  written).
     */
    public long append(final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        checkMessage(buffer, offset, length);
        begin();
        add(buffer, offset, length, ingestTimeNs);
        return commit();
    }

    /**
     * Starts a batch.
     *
     * @throws IllegalStateException if a batch is already open.
     */
    public void begin()
    {
        if (open)
        {
            throw new IllegalStateException("a batch is already open: commit or abort it first");
        }
        open = true;
        count = 0;
        batchLength = JournalEntryDescriptor.ENTRY_HEADER_LENGTH;
    }

    /**
     * Adds one message without an event identity (frame count 0, "no event") to the open batch.
     *
     * @throws IllegalArgumentException if {@code length} is not in {@code [1, MAX_MESSAGE_LENGTH]} (nothing is
     *                                  added).
     * @throws IllegalStateException    if no batch is open or it holds
     *                                  {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} messages.
     */
    public void add(final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        add(buffer, offset, length, ingestTimeNs, 0, 0, 0, 0, 0);
    }

    /**
     * Adds one message to the open batch with the identity of the envelope it came from
     * ({@link JournalEntryDescriptor}, "Event identity").
     *
     * @param eventIdMsb    the envelope's {@code event_id}, most significant bits.
     * @param eventIdLsb    the envelope's {@code event_id}, least significant bits.
     * @param contentDigest a digest of the whole envelope's content.
     * @param frameOrdinal  this message's ordinal among the envelope's frames.
     * @param frameCount    the envelope's frames, or 0 when the message has no event identity.
     * @throws IllegalArgumentException if {@code length} is not in {@code [1, MAX_MESSAGE_LENGTH]} (nothing is
     *                                  added).
     * @throws IllegalStateException    if no batch is open or it holds
     *                                  {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} messages.
     */
    public void add(final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs,
        final long eventIdMsb, final long eventIdLsb, final long contentDigest, final int frameOrdinal,
        final int frameCount)
    {
        final int record = reserve(buffer, offset, length);
        final UnsafeBuffer batch = this.batch;
        batch.putLong(record + JournalEntryDescriptor.INGEST_TIME_OFFSET, ingestTimeNs, ORDER);
        batch.putLong(record + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, eventIdMsb, ORDER);
        batch.putLong(record + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, eventIdLsb, ORDER);
        batch.putLong(record + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, contentDigest, ORDER);
        batch.putInt(record + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, frameOrdinal, ORDER);
        batch.putInt(record + JournalEntryDescriptor.FRAME_COUNT_OFFSET, frameCount, ORDER);
        batch.putInt(record + JournalEntryDescriptor.LENGTH_OFFSET, length, ORDER);
        batch.putBytes(record + JournalEntryDescriptor.MESSAGE_OFFSET, buffer, offset, length);
    }

    /**
     * As {@link #add(DirectBuffer, int, int, long, long, long, long, int, int)}, with the event identity taken as
     * one block: {@link JournalEntryDescriptor#IDENTITY_LENGTH} bytes at {@code identity[identityOffset]}, laid out
     * as the record's ({@link JournalEntryDescriptor#IDENTITY_OFFSET}), little endian. One copy instead of five
     * loads and stores, for a caller whose buffers already hold the identity in that layout (the engine's slots).
     *
     * @throws IllegalArgumentException if {@code length} is not in {@code [1, MAX_MESSAGE_LENGTH]} (nothing is
     *                                  added).
     * @throws IllegalStateException    if no batch is open or it holds
     *                                  {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} messages.
     */
    public void add(final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs,
        final DirectBuffer identity, final int identityOffset)
    {
        identity.boundsCheck(identityOffset, JournalEntryDescriptor.IDENTITY_LENGTH);
        final int record = reserve(buffer, offset, length);
        final UnsafeBuffer batch = this.batch;
        batch.putLong(record + JournalEntryDescriptor.INGEST_TIME_OFFSET, ingestTimeNs, ORDER);
        batch.putBytes(record + JournalEntryDescriptor.IDENTITY_OFFSET, identity, identityOffset,
            JournalEntryDescriptor.IDENTITY_LENGTH);
        batch.putInt(record + JournalEntryDescriptor.LENGTH_OFFSET, length, ORDER);
        batch.putBytes(record + JournalEntryDescriptor.MESSAGE_OFFSET, buffer, offset, length);
    }

    /** Checks the message and the batch, makes room for the record and counts it; returns the record's offset. */
    private int reserve(final DirectBuffer buffer, final int offset, final int length)
    {
        checkMessage(buffer, offset, length);
        if (!open)
        {
            throw new IllegalStateException("no batch is open: call begin() first");
        }
        if (count == JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY)
        {
            throw new IllegalStateException("the batch already holds " + count + " messages, the most an entry may");
        }
        final int record = batchLength;
        final int end = record + JournalEntryDescriptor.MESSAGE_OFFSET + length;
        if (end > batch.capacity())
        {
            grow(end);
        }
        batchLength = end;
        count++;
        return record;
    }

    /** Messages in the open batch (0 when none is open). */
    public int batchCount()
    {
        return open ? count : 0;
    }

    /**
     * True when the open batch should be committed before another {@link #add}: it holds
     * {@link JournalEntryDescriptor#MAX_MESSAGES_PER_ENTRY} messages or at least
     * {@link JournalEntryDescriptor#MAX_ENTRY_BYTES} bytes.
     */
    public boolean isFull()
    {
        return count >= JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY ||
            batchLength >= JournalEntryDescriptor.MAX_ENTRY_BYTES;
    }

    /**
     * The most journal bytes {@code messages} messages of {@code messageBytes} bytes in all can take, however a
     * stage splits them into entries ({@link #isFull()}): their records, and each possible entry's header and
     * Chronicle overhead. For {@link #reserve}.
     */
    public static long bytesFor(final int messages, final long messageBytes)
    {
        final long entries = (messages + JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY - 1) /
            JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY + messageBytes / JournalEntryDescriptor.MAX_ENTRY_BYTES + 1;
        return messageBytes + (long)messages * JournalEntryDescriptor.MESSAGE_OFFSET +
            entries * (JournalEntryDescriptor.ENTRY_HEADER_LENGTH + ENTRY_OVERHEAD_BYTES);
    }

    /**
     * Checks the free space once for several entries to come ({@link #bytesFor}): true when the file system keeps
     * its headroom after them, and then the commits that follow take from this reservation without asking the
     * guard again, until it is used up. A caller that must not wait (an event loop) checks the whole of a batch
     * here before it publishes anything, so that no commit of that batch finds the space gone halfway through: a
     * later {@link #tryCommit()} can then only fail for a fault of the mapped file itself. False (nothing
     * reserved) when the space is short.
     */
    public boolean reserve(final long bytes)
    {
        return reserveLeaving(bytes, 0);
    }

    /**
     * As {@link #reserve}, but leaving only half the headroom free: for the few hundred bytes of provenance a
     * pipeline writes when it starts ({@link Journal#appendProvenance}), so that it starts on a journal whose file
     * system is below the headroom and then refuses frames until space returns, instead of not starting at all.
     */
    boolean reserveWithinHeadroom(final long bytes)
    {
        return reserveLeaving(bytes, journal.spaceGuard().minFreeBytes() / 2);
    }

    /** Reserves {@code bytes} when they fit with the headroom less {@code headroomGiven} left free. */
    private boolean reserveLeaving(final long bytes, final long headroomGiven)
    {
        if (!journal.spaceGuard().hasRoomFor(bytes - headroomGiven))
        {
            reservedBytes = 0;
            return false;
        }
        reservedBytes = bytes;
        return true;
    }

    /** Ends a {@link #reserve reservation}: the commits after this ask the guard again. */
    public void cancelReservation()
    {
        reservedBytes = 0;
    }

    /**
     * Writes the open batch as one entry (one Chronicle document, written with a single copy of the batch).
     *
     * @return the position of the batch's first message; message {@code i} is at that position {@code + i}.
     * @throws IllegalStateException if no batch is open or it is empty (an empty batch is aborted, not written).
     * @throws JournalFullException  if the file system is short of space ({@link #tryCommit()}); the batch stays
     *                               open, so the caller may retry or {@link #abort()} it.
     */
    public long commit()
    {
        final long position = tryCommit();
        if (position == NO_ROOM)
        {
            throw new JournalFullException(journal.config().directory() + ": " + journal.spaceGuard().shortage() +
                "; the batch was not written");
        }
        return position;
    }

    /**
     * Writes the open batch as one entry, unless the file system is short of space: then nothing is written, the
     * batch stays open and {@link #NO_ROOM} is returned, so the caller can retry once space returns
     * ({@link JournalSpaceGuard}). A fault while writing the mapped file (the JVM reports a {@code SIGBUS} from a
     * page the file system could not allocate as an {@link InternalError}) rolls the entry back and is answered
     * the same way: no reader ever sees a partly written entry, and nothing is reported written that is not.
     *
     * @return the position of the batch's first message, or {@link #NO_ROOM}.
     * @throws IllegalStateException if no batch is open or it is empty (an empty batch is aborted, not written).
     */
    public long tryCommit()
    {
        if (!open)
        {
            throw new IllegalStateException("no batch is open: call begin() first");
        }
        final int count = this.count;
        if (count == 0)
        {
            open = false;
            throw new IllegalStateException("the batch is empty: nothing was written");
        }
        final JournalPretouchAgent pretoucher = this.pretoucher;
        if (damage == null && pretoucher != null)
        {
            damage = pretoucher.cutUnderWriter(); // one volatile read; set when the check found the file cut short
        }
        if (damage != null)
        {
            open = false;
            throw new JournalDamagedException(damage);
        }
        final JournalSpaceGuard guard = journal.spaceGuard();
        // Chronicle may also write an index entry and start a new page of its index with this entry.
        final long bytesNeeded = batchLength + ENTRY_OVERHEAD_BYTES;
        if (bytesNeeded <= reservedBytes)
        {
            reservedBytes -= bytesNeeded; // room was found for it already (reserve)
        }
        else if (!(pretoucher != null && pretoucher.measuresAhead() ? guard.hasRoomForMeasuredAhead(bytesNeeded) :
            guard.hasRoomFor(bytesNeeded)))
        {
            return NO_ROOM;
        }
        batch.putInt(JournalEntryDescriptor.COUNT_OFFSET, count, ORDER);
        batch.putInt(JournalEntryDescriptor.FORMAT_OFFSET, JournalEntryDescriptor.FORMAT_EVENT_IDENTITY, ORDER);
        ExcerptAppender appender = this.appender;
        if (appender == null)
        {
            appender = journal.newChronicleAppender();
            this.appender = appender;
        }
        final DocumentContext document;
        try
        {
            document = appender.writingDocument();
        }
        catch (final InternalError fault)
        {
            // The entry's header could not be written: nothing of it exists, but Chronicle keeps its write lock
            // (a later appender waits for it, then times out) and the appender must not be written through again
            // (it then reported every later entry at one index).
            return writeFault(fault, false);
        }
        catch (final Exception ex)
        {
            // Chronicle throws a checked IOException it does not declare when it cannot open the next cycle file
            // at a roll (no file descriptor left, no permission): see openFailed.
            return openFailed(ex);
        }
        try
        {
            final Bytes<?> bytes = document.wire().bytes();
            bytes.unsafeWrite(batch.addressOffset(), batchLength);
            if (pretoucher != null)
            {
                pretoucher.onAppended(bytes);
            }
        }
        catch (final InternalError fault)
        {
            // An unsafe-access fault on the mapped file: the page could not be backed. Chronicle's rollback clears
            // the header, so the entry never becomes visible; the caller retries once the guard sees space again.
            try
            {
                document.rollbackOnClose();
                document.close();
            }
            catch (final InternalError again)
            {
                return writeFault(fault, false); // the header faults too: the lock stays held
            }
            return writeFault(fault, true);
        }
        catch (final Exception ex)
        {
            document.rollbackOnClose(); // never leave a half-written entry, nor Chronicle's write lock held
            document.close();
            open = false;
            throw ex instanceof RuntimeException ? (RuntimeException)ex :
                new JournalException("the journal could not write an entry: " + ex, ex);
        }
        try
        {
            document.close();
        }
        catch (final InternalError fault)
        {
            // Completing the header, or Chronicle's index entry for it, faulted: whether a reader sees the entry is
            // not known, so it is not reported written, and Chronicle's write lock stays held.
            return writeFault(fault, false);
        }
        catch (final Exception ex)
        {
            return openFailed(ex); // indexing the entry needed a file it could not open: not reported written
        }
        open = false;
        final long appended = appender.lastIndexAppended();
        if (appended == lastChronicleIndex)
        {
            // Chronicle's index did not move: the document was one Chronicle had closed already (an appender left in
            // that state by a failure not caught as such), and nothing was written. Reported written before, with
            // the last good entry's index: thousands of acknowledged frames that no reader ever saw.
            discardChronicleAppender();
            throw new JournalException("the journal appender wrote nothing (Chronicle's index stayed at " + appended +
                "): the batch of " + count + " message(s) was not journaled");
        }
        lastChronicleIndex = appended;
        // Read after Chronicle's write lock is released: another appender of this journal (the provenance's) may
        // have committed after this entry and recorded its own since. Such a later entry is neither the last entry
        // written nor what this file's marker may name (a reader would take the entries up to it for missing).
        final long previousEntry = journal.lastEntryWritten();
        if (previousEntry < appended)
        {
            journal.onEntryWritten(appended);
        }
        if (rollCycle.toSequenceNumber(appended) == 0 && previousEntry != CycleMarker.NONE)
        {
            final int missing = journal.takeMissingLastCycle();
            markCycleFile(appender, entryBeforeNewFile(previousEntry, appended, missing), appended); // once per file
            if (missing != Journal.NO_MISSING_CYCLE)
            {
                // Only once the marker that settles it is written: a crash before leaves the record to the next open.
                MissingCycleRecord.delete(journal.config().directory());
            }
        }
        guard.onAppended(batchLength + ENTRY_HEADER_BYTES);
        final long index = JournalEntryDescriptor.position(appended, 0);
        lastAppendedIndex = index + count - 1;
        return index;
    }

    /**
     * What the marker of the new cycle file whose first entry is {@code firstEntry} names as the entry before it:
     * {@code previousEntry}, unless the journal's last cycle file was found gone at the open ({@code missing},
     * {@link Journal}'s missing last cycle), after it: then that cycle's unknown last entry
     * ({@link CycleMarker#lastEntryUnknown}), so readers report its entries missing. A new file of that very cycle
     * takes the deleted file's name and indices, which no marker can tell from the deleted file's: logged.
     */
    private long entryBeforeNewFile(final long previousEntry, final long firstEntry, final int missing)
    {
        if (missing == Journal.NO_MISSING_CYCLE)
        {
            return previousEntry;
        }
        if (rollCycle.toCycle(previousEntry) >= missing)
        {
            return previousEntry;
        }
        if (rollCycle.toCycle(firstEntry) > missing)
        {
            return CycleMarker.lastEntryUnknown(rollCycle, missing);
        }
        LOG.warn("{}: this cycle's file had been deleted (found gone at the open) and is written again from its " +
            "first index: readers cannot tell that the entries it held are missing", journal.config().directory());
        return previousEntry;
    }

    /**
     * Writes the marker of the cycle file the entry just committed, at {@code firstEntry}, is the first of
     * ({@link CycleMarker}): the entry before it is at {@code previousEntry}, unless that is after it (another
     * appender's, recorded before this commit looked): then no marker is written, so that none names an entry after
     * the file's first, which every reader would report as a gap; logged. The entry is written whatever happens
     * here. A fault in the marker's header leaves Chronicle's write lock held as one in an entry's does, so it is
     * damage that refuses every later commit ({@link #writeFault}); any other failure leaves the file without its
     * marker, so a gap before it cannot be told: logged.
     */
    private void markCycleFile(final ExcerptAppender appender, final long previousEntry, final long firstEntry)
    {
        if (previousEntry > firstEntry)
        {
            LOG.warn("{}: the cycle file's marker of the entry before its first was not written: another appender " +
                "committed after its first entry before the marker could record the one before it; a cycle file " +
                "deleted before this one would not be reported by the journal's readers", journal.config().directory());
            return;
        }
        try
        {
            CycleMarker.write(appender, previousEntry);
        }
        catch (final InternalError fault)
        {
            try
            {
                writeFault(fault, false);
            }
            catch (final JournalDamagedException kept)
            {
                LOG.error("{}", kept.getMessage()); // the next commit is refused with it
            }
        }
        catch (final Exception ex)
        {
            LOG.warn("{}: could not write the cycle file's marker of the entry before its first ({}): a cycle file " +
                "deleted before this one would not be reported by the journal's readers", journal.config().directory(),
                ex.toString());
        }
    }

    /**
     * Chronicle could not open an entry, or index one, because it could not open a file: at a roll to the next cycle
     * file with no file descriptor left ({@code EMFILE}) or no permission to create it. It throws a checked
     * {@code IOException} it does not declare, which went past every handler for runtime exceptions: the pipeline
     * logged the stage's failure per commit and went on, and Chronicle's appender, left closed, made every later
     * commit a no-op that reported the last good entry's index, so 16,638 frames were acknowledged and never
     * written, for good, though the file descriptors came back 40 s later. Chronicle keeps its write lock after such a
     * failure (a new appender waits 15 s for it and times out), so this process can append nothing more: kept as
     * damage, every later commit refused at once. The journal stage fails (503 {@code journal_failed},
     * {@code /health}) and nothing more is acknowledged; a restart carries on (Chronicle frees a dead writer's lock).
     *
     * @throws JournalException naming the cause; the batch is closed (not written).
     */
    private long openFailed(final Exception cause)
    {
        open = false;
        discardChronicleAppender();
        final String what = "could not open a file to write the next entry (" + cause +
            (cause.getCause() != null ? ", caused by " + cause.getCause() : "") + ")";
        damage = journal.config().directory() + ": the journal " + what + "; Chronicle's write lock stays held by this " +
            "process, so nothing more can be appended until it restarts";
        throw new JournalException("the journal " + what + ": the batch was not written; restart to append again " +
            "once the cause is gone", cause);
    }

    /**
     * After a commit, reads the lines the next entry will be written to, where the pretoucher populated the file
     * ({@link JournalPretouchAgent#touchNextEntry}); nothing without a pretoucher. For an appender whose thread has
     * time between entries (a paced producer): call it after the entry's latency is taken. Allocation-free.
     */
    public void touchNextEntry()
    {
        final JournalPretouchAgent pretoucher = this.pretoucher;
        if (pretoucher != null)
        {
            pretoucher.touchNextEntry();
        }
    }

    /**
     * A write into the mapped file faulted ({@code fault}: the JVM's SIGBUS as an {@link InternalError}): either the
     * file system could not back a page (full) or the cycle file no longer holds what Chronicle maps (cut short under
     * the writer, e.g. by {@code truncate}). A fault in an entry's bytes that Chronicle rolled back
     * ({@code rolledBack}) is taken for a full disk ({@link #NO_ROOM}: the caller retries once the guard sees space
     * again) unless the last cycle file's records run past its end ({@link CutCycleFiles}): damage. A fault in a
     * record header (opening or completing an entry, or its rollback) leaves Chronicle's write lock held, so nothing
     * more can be appended by this process: damage too, whatever its cause. The JVM reports a fault in compiled code
     * at a later access ("a fault occurred in a recent unsafe memory access"), so the entry written before may be
     * the one whose page was not backed: the message says so, and to verify. Damage is kept: every later commit is
     * refused at once. Before, every fault was taken for a full disk, and a header's escaped as an
     * {@code InternalError} with the batch left open: with the file cut short and space free, a gateway answered
     * every request 503 {@code ack_timeout} after the ack timeout, logged a stack trace per entry, and reported the
     * journal failed only when its batch bookkeeping broke ("the batch already holds 64 messages").
     *
     * @throws JournalDamagedException for damage; the batch is closed (not written).
     */
    private long writeFault(final InternalError fault, final boolean rolledBack)
    {
        writeFaults++;
        journal.spaceGuard().invalidate();
        final Path directory = journal.config().directory();
        final String cut = CutCycleFiles.describeLast(directory);
        if (rolledBack && cut == null)
        {
            return NO_ROOM;
        }
        open = false;
        discardChronicleAppender();
        damage = directory + ": DAMAGED: " + (cut != null ? cut : "writing a record header of its last cycle file " +
            "faulted (" + fault.getMessage() + "; the file system could not back a page, or the file no longer holds " +
            "what is mapped of it), and the queue's write lock stays held") + ", under the running writer; the " +
            "batch of " + count + " message(s) was not written, nor can any later one be, and the entry before it " +
            "may be unreadable (the JVM reports such a fault at a later write): stop the writer, free space if the " +
            "disk is full, and run `pitgun journal verify " + directory + "` before it starts again";
        throw new JournalDamagedException(damage, fault);
    }

    /** Closes the Chronicle appender after a fault, quietly (closing may fault too); the next write makes another. */
    private void discardChronicleAppender()
    {
        final ExcerptAppender faulted = appender;
        appender = null;
        lastChronicleIndex = Long.MIN_VALUE; // a new appender's first entry is compared with nothing
        if (faulted != null)
        {
            try
            {
                faulted.close();
            }
            catch (final Exception | InternalError ignored)
            {
                // Its mapping (or file) is what failed: there is nothing more to release through it.
            }
        }
    }

    /** Writes into the mapped file that faulted and were rolled back ({@link #tryCommit()}). */
    public long writeFaults()
    {
        return writeFaults;
    }

    /**
     * The pretoucher of this appender's queue files, an agent which the caller runs on a thread of its own (under an
     * {@code AgentRunner}, with {@link JournalPretouchAgent#idleStrategy()}) and closes before closing the journal.
     * The same object on every call until it is closed; the next call then makes a new one, so a journal that
     * outlives one pipeline serves the next one too.
     *
     * @param aheadBytes how far past the write position to keep pages populated; used when a new one is made.
     */
    public synchronized JournalPretouchAgent pretoucher(final long aheadBytes)
    {
        if (pretoucher == null || pretoucher.isStopped())
        {
            if (pretoucher != null)
            {
                pretoucher.releaseChunk();
            }
            pretoucher = new JournalPretouchAgent(aheadBytes, journal.spaceGuard());
            final Path last = journal.lastCycleFile();
            if (last != null)
            {
                pretoucher.watchBeforeFirstAppend(last);
            }
        }
        return pretoucher;
    }

    /** This appender's pretoucher while it runs, else null (any thread). */
    synchronized JournalPretouchAgent runningPretoucher()
    {
        return pretoucher == null || pretoucher.isStopped() ? null : pretoucher;
    }

    /** Discards the open batch, if any: nothing of it is written. */
    public void abort()
    {
        open = false;
    }

    /**
     * Hands this appender to another thread: closes the Chronicle appender this thread made (Chronicle's appenders
     * belong to the thread that uses them, and refuse another), so the next batch makes one on its own thread. Call
     * between batches, on the thread that wrote last, before the other thread writes.
     */
    public void handOver()
    {
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
    }

    /** Position of the last message this appender wrote, or {@link Journal#NO_INDEX} before the first. */
    public long lastAppendedIndex()
    {
        return lastAppendedIndex;
    }

    void close()
    {
        abort();
        try
        {
            if (pretoucher != null)
            {
                pretoucher.onJournalClosed();
                pretoucher.releaseChunk();
            }
        }
        finally
        {
            if (appender != null)
            {
                appender.close(); // whatever the pretoucher did: the queue closes after this
                appender = null;
            }
        }
    }

    private void grow(final int required)
    {
        final int capacity = Math.max(required, 2 * batch.capacity());
        final UnsafeBuffer bigger = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        bigger.putBytes(0, batch, 0, batchLength);
        batch = bigger;
    }

    private static void checkMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0 || length > JournalEntryDescriptor.MAX_MESSAGE_LENGTH)
        {
            throw new IllegalArgumentException("length: " + length + " is not in [1, " +
                JournalEntryDescriptor.MAX_MESSAGE_LENGTH + "]");
        }
        buffer.boundsCheck(offset, length);
    }
}
