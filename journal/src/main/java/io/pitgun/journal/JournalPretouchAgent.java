package io.pitgun.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the pages ahead of the journal's write position mapped and writable, as an Agrona {@link Agent} on a
 * thread of the caller's (the pipeline runs it under an {@code AgentRunner} as {@code pitgun-<name>-pretouch}), so
 * that the appending thread does not take the page faults.
 * <p>
 * Why: a queue file is a sparse, memory-mapped file, and the first write to each 4 KiB page traps into the kernel,
 * which allocates and zeroes a page-cache page. On the 2-core VMs this project is measured on that costs 1–9 µs per
 * page — 40–300 ns per 150-byte frame, more than the rest of the journal stage and, in profiles of the saturated
 * pipeline, half of the consuming thread's time. This class moves that work to another core with
 * {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+) over the appender's own mapping, a little ahead of where the
 * appender writes, so the appender's stores find the pages present.
 * <p>
 * Why it is safe: {@code madvise} never changes file contents (a populated page reads as zeros, like the hole it
 * replaces, and Chronicle treats zeros past the last entry as "nothing written yet"), and it is a system call, not a
 * memory access: if the appender has meanwhile unmapped the chunk the range belonged to, the call fails with
 * {@code ENOMEM} instead of faulting. The window it works on is published by the appending thread after every
 * commit (once per batch, not per frame: {@link #onAppended}) through a sequence lock, so it never combines one
 * chunk's address with another's bounds.
 * <p>
 * A {@link Journal}'s appender makes and feeds its own ({@link JournalAppender#pretoucher}); code that appends to a
 * Chronicle queue of its own (the journaled baseline of the perf module) makes one with
 * {@link #JournalPretouchAgent(long)}, calls {@link #onAppended} itself and {@link #releaseChunk} once its appender
 * has stopped, before its queue closes.
 * <p>
 * Duty cycle: each {@link #doWork()} reads the published window once and populates one step of
 * {@link #STEP_BYTES} once the appender has used that much of the window (or what is left of a chunk whose end is
 * within reach), returning 1 when it did and 0 otherwise, so that the runner's {@link #idleStrategy()} backs off
 * between steps and while the journal is quiet. Where the kernel lacks {@code MADV_POPULATE_WRITE}
 * ({@code EINVAL}), forbids it, or no native call is available, it turns itself off ({@link #failure()} says why,
 * a warning is logged and the handler given to {@link #onDisabled} is told, so the pipeline counts it) and ends its
 * duty cycle with an {@link AgentTerminationException}: appends work the same, just with the page faults on the
 * appending thread. A chunk unmapped under it ({@code ENOMEM}/{@code EFAULT}: the appender moved on) makes it wait for the appender's
 * next window. Anything else the native call throws is thrown out of {@link #doWork()}, so the runner's error
 * handler reports and counts it, and the next duty cycle tries again.
 * <p>
 * Costs: the file's pages up to {@link #aheadBytes()} past the last entry are allocated (and, on a disk-backed file
 * system, dirtied) early; the extra space is bounded by that distance.
 */
public final class JournalPretouchAgent implements Agent
{
    /** {@code MADV_POPULATE_WRITE} from {@code <linux/mman.h>}; Chronicle's enum predates it. */
    public static final int MADV_POPULATE_WRITE = 23;
    /** How far ahead of the write position the pipeline keeps pages populated, 8 MiB: ~29 ms of journal at the
     *  highest rate measured on 2 cores (below), several populate steps and far more than the longest idle park. */
    public static final long DEFAULT_AHEAD_BYTES = 8L << 20;
    /** Populate in steps this large: long enough to amortise the call, short enough to follow the appender. */
    public static final int STEP_BYTES = 256 * 1024;
    /** The shortest window ahead: two steps, one the appender writes into while the next is populated. */
    public static final long MIN_AHEAD_BYTES = 2L * STEP_BYTES;
    private static final long PAGE = 4096;
    private static final long LINE = 64;
    /** How far past the last entry {@link #touchNextEntry} reads: a typical entry's lines. */
    private static final long TOUCH_AHEAD_BYTES = 256;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    /** Idle back-off: from a short park while the appender moves, to a long one when the journal is quiet, so an
     *  idle pipeline costs next to nothing. Each wake costs ~30 µs of CPU on the 2-core VM (IdlePipelineCpuTest),
     *  so a 1 ms longest park made this thread half of an idle pipeline's CPU (~1-2 % of a core); at 4 ms it is a
     *  quarter of that, and the
     *  window ahead ({@link #DEFAULT_AHEAD_BYTES}) still covers several longest parks of journal at the highest
     *  rates measured (~1.5 M frames/s of ~190 B records: ~29 ms). */
    private static final long MIN_IDLE_NANOS = 50_000;
    private static final long MAX_IDLE_NANOS = 4_000_000;
    private static final VarHandle VERSION;
    private static final Logger LOG = LoggerFactory.getLogger(JournalPretouchAgent.class);

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(JournalPretouchAgent.class, "version", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long aheadBytes;
    /** Kept fresh each duty cycle, or null. */
    private final JournalSpaceGuard spaceGuard;
    private final int advice;
    private final Supplier<PosixAPI> posixSupplier;
    /** Whom Chronicle records as holding {@link #heldChunk}. */
    private final ReferenceOwner chunkOwner = ReferenceOwner.temporary("journal-pretouch");
    private volatile Consumer<String> disabledHandler = why -> { };
    // Written by the appending thread under the sequence lock `version` (odd while writing).
    private volatile long version;
    private long chunkAddress;
    private long chunkStart;
    private long chunkLimit;
    private long writePosition;
    /** The cycle file the published chunk maps, or null (not a mapped file). */
    private MappedFile chunkFile;

    // The appending thread's own cache of the chunk it last published (onAppended): bounds looked up on change only.
    private BytesStore<?, ?> appendedChunk;
    /**
     * The mapped chunk {@link #touchNextEntry} reads, which this agent holds a reference on (or null): Chronicle
     * unmaps a chunk once nobody holds it, and its appender lets go of the chunk it wrote an entry into whenever it
     * moves to another (an entry, or the header written at the document's close, in the next chunk), so a load
     * through an address this agent did not hold crashed the JVM (SIGSEGV in the latency profile's producer at
     * 1 M frames/s, just past a chunk boundary 320 MiB into a cycle file).
     */
    private BytesStore<?, ?> heldChunk;
    private long appendedChunkAddress;
    private long appendedChunkStart;
    private long appendedChunkLimit;
    private MappedFile appendedFile;
    /** Where {@link #touchNextEntry} leaves its loads, so that the JIT keeps them. */
    @SuppressWarnings("unused")
    private long touched;

    // The duty cycle's own state: only the agent's thread touches it.
    private PosixAPI posix;
    private long touchedChunk;
    private long touchedTo;

    private volatile boolean closed;
    private volatile boolean journalClosed;
    private volatile boolean disabled;
    private volatile long populatedBytes;
    private volatile String failure;
    /** Why the journal cannot be written: its cycle file was found cut short under the writer ({@link #findCut}). */
    private volatile String cutUnderWriter;
    /** The agent thread's: the journal's last cycle file until the appender's first window, its channel and length. */
    private Path watchedFile;
    private FileChannel watched;
    private long watchedSize;
    /** A file to watch, handed over by {@link #watchBeforeFirstAppend} from any thread. */
    private volatile Path pendingWatch;

    /**
     * A pretoucher for a Chronicle appender of the caller's own, which calls {@link #onAppended} after each commit.
     *
     * @param aheadBytes how far past the write position to keep pages populated, at least {@link #MIN_AHEAD_BYTES}
     *                   (the pipeline uses {@link #DEFAULT_AHEAD_BYTES}).
     * @throws IllegalArgumentException if {@code aheadBytes} is below {@link #MIN_AHEAD_BYTES}.
     */
    public JournalPretouchAgent(final long aheadBytes)
    {
        this(aheadBytes, MADV_POPULATE_WRITE, PosixAPI::posix);
    }

    /**
     * A pretoucher that also keeps {@code spaceGuard}'s measurement fresh on each duty cycle
     * ({@link JournalSpaceGuard#refreshAhead()}), so that the appending thread does not measure the free space itself
     * while this agent runs.
     */
    public JournalPretouchAgent(final long aheadBytes, final JournalSpaceGuard spaceGuard)
    {
        this(aheadBytes, MADV_POPULATE_WRITE, PosixAPI::posix, spaceGuard);
    }

    /**
     * With another {@code madvise} advice (tests pass one the kernel rejects to take the "unsupported" path) and
     * another source of the native calls (tests pass one that fails, to see the failure reported).
     */
    JournalPretouchAgent(final long aheadBytes, final int advice, final Supplier<PosixAPI> posixSupplier)
    {
        this(aheadBytes, advice, posixSupplier, null);
    }

    private JournalPretouchAgent(final long aheadBytes, final int advice, final Supplier<PosixAPI> posixSupplier,
        final JournalSpaceGuard spaceGuard)
    {
        this.spaceGuard = spaceGuard;
        this.advice = advice;
        this.posixSupplier = posixSupplier;
        if (aheadBytes < MIN_AHEAD_BYTES)
        {
            throw new IllegalArgumentException("aheadBytes: " + aheadBytes + " is below two steps of " + STEP_BYTES);
        }
        this.aheadBytes = aheadBytes;
    }

    /**
     * The idle strategy to run this agent with: no spinning (the work is a system call, not a hand-off), parks
     * from {@value #MIN_IDLE_NANOS} ns doubling to {@value #MAX_IDLE_NANOS} ns while there is nothing to populate.
     */
    public static IdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(0, 0, MIN_IDLE_NANOS, MAX_IDLE_NANOS);
    }

    /** How far past the write position pages are kept populated. */
    public long aheadBytes()
    {
        return aheadBytes;
    }

    /** Bytes of the queue files populated so far (for tests and diagnostics). */
    public long populatedBytes()
    {
        return populatedBytes;
    }

    /** Why the pretoucher turned itself off, or null while it works. */
    public String failure()
    {
        return failure;
    }

    /**
     * Who to tell, once, when the pretoucher turns itself off (the reason is the argument; called on the
     * agent's thread). Set it before starting the agent.
     */
    public void onDisabled(final Consumer<String> handler)
    {
        disabledHandler = handler;
    }

    /**
     * True once the agent was closed ({@link #onClose()}) or its journal was: a stopped pretoucher does not run
     * again.
     */
    public boolean isStopped()
    {
        return closed || journalClosed;
    }

    /** True while this agent keeps its space guard measured ahead ({@link JournalSpaceGuard#refreshAhead}). */
    boolean measuresAhead()
    {
        return spaceGuard != null && !closed && !journalClosed && !disabled;
    }

    /** The journal is closing: the next duty cycle ends the agent, even if its runner was never closed. */
    void onJournalClosed()
    {
        journalClosed = true;
    }

    @Override
    public String roleName()
    {
        return "journal-pretouch";
    }

    /**
     * Called by the appending thread after each commit, or just before it while the document is still open, with the
     * document's bytes: publishes the mapped chunk the appender writes into and its write position, looking the
     * chunk's bounds up only when the chunk changed. Allocation-free, wait-free; one appending thread only.
     */
    public void onAppended(final Bytes<?> bytes)
    {
        final BytesStore<?, ?> store = bytes.bytesStore();
        if (store != appendedChunk)
        {
            appendedChunk = store;
            releaseChunk();
            // The appender holds the chunk it is writing into: reserving it now cannot find it unmapped.
            if (store instanceof MappedBytesStore && store.tryReserve(chunkOwner))
            {
                final MappedBytesStore chunk = (MappedBytesStore)store;
                heldChunk = chunk;
                appendedChunkStart = chunk.start();
                appendedChunkLimit = chunk.safeLimit();
                appendedChunkAddress = chunk.addressForRead(appendedChunkStart);
            }
            appendedFile = bytes instanceof MappedBytes mapped ? mapped.mappedFile() : null;
        }
        publish(appendedChunkAddress, appendedChunkStart, appendedChunkLimit, bytes.writePosition(), appendedFile);
    }

    /**
     * Lets go of the chunk this agent holds for {@link #touchNextEntry} (none after this, until the next
     * {@link #onAppended}): call on the appending thread, or once it has stopped (and nothing it does can still
     * follow), before the queue closes. The journal's own appender does, when the journal closes or hands it a new
     * pretoucher.
     */
    public void releaseChunk()
    {
        appendedChunkAddress = 0; // not a mapped chunk this agent holds: nothing to touch or populate
        final BytesStore<?, ?> held = heldChunk;
        if (held != null)
        {
            heldChunk = null;
            held.release(chunkOwner);
        }
    }

    /**
     * Reads the cache lines just past the last entry ({@link #onAppended}'s write position), up to
     * {@link #TOUCH_AHEAD_BYTES} and never past the page the entry ended in (that page is backed: the entry was
     * written into it; a load from a page not yet populated would map a zero page only to fault again on the write).
     * The pages this agent populates were zeroed by the kernel on its own thread, so their lines reach the appending
     * thread cold; an appender that calls this after its commit, outside its latency (the single producer between
     * its commit and its publish), finds the next entry's lines in its cache. Only loads. Appending thread only;
     * allocation-free.
     */
    public void touchNextEntry()
    {
        final long address = appendedChunkAddress;
        final long from = writePosition; // the appending thread's own last write (publish)
        if (address == 0 || from <= appendedChunkStart)
        {
            return;
        }
        final long pageEnd = ((from - 1) | (PAGE - 1)) + 1;
        final long end = Math.min(Math.min(from + TOUCH_AHEAD_BYTES, pageEnd), appendedChunkLimit);
        long sum = 0;
        for (long offset = from & -LINE; offset + Long.BYTES <= end; offset += LINE)
        {
            sum += UnsafeApi.getLong(address + (offset - appendedChunkStart));
        }
        touched = sum;
    }

    /**
     * The window behind {@link #onAppended}: the mapped chunk it wrote into (its native address, the
     * file offsets it covers) and the file offset just past the last entry. Allocation-free, wait-free.
     */
    void publish(final long address, final long start, final long limit, final long position)
    {
        publish(address, start, limit, position, null);
    }

    private void publish(final long address, final long start, final long limit, final long position,
        final MappedFile file)
    {
        final long v = version;
        VERSION.setRelease(this, v + 1);
        VarHandle.storeStoreFence();
        chunkAddress = address;
        chunkStart = start;
        chunkLimit = limit;
        writePosition = position;
        chunkFile = file;
        VERSION.setRelease(this, v + 2);
    }

    @Override
    public void onStart()
    {
        try
        {
            posix = posixSupplier.get();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            disable("the native madvise call is unavailable: " + ex);
            return;
        }
        if (posix.getClass().getSimpleName().startsWith("NoOp"))
        {
            // Chronicle falls back to a do-nothing implementation where it cannot load native code.
            disable("no native access (Chronicle's no-op POSIX API is in use)");
        }
    }

    @Override
    public int doWork()
    {
        if (disabled || journalClosed)
        {
            throw new AgentTerminationException(journalClosed ? "journal closed" : "journal pretoucher off: " + failure);
        }
        final JournalSpaceGuard guard = spaceGuard;
        if (guard != null)
        {
            guard.refreshAhead();
        }
        final long v = (long)VERSION.getAcquire(this);
        final long address = chunkAddress;
        final long start = chunkStart;
        final long limit = chunkLimit;
        final long position = writePosition;
        final MappedFile file = chunkFile;
        VarHandle.loadLoadFence();
        if ((v & 1) != 0 || v != (long)VERSION.getAcquire(this))
        {
            return 0; // caught mid-publish: read again after the idle strategy's back-off (50 µs to 4 ms)
        }
        final Path pending = pendingWatch;
        if (pending != null)
        {
            pendingWatch = null;
            if (file == null)
            {
                startWatching(pending);
            }
        }
        if (cutUnderWriter != null || file != null && address != 0 && findCut(file, limit) ||
            file == null && findCutBeforeFirstAppend())
        {
            return 0; // nothing more is written: populating past the cut would only fail
        }
        if (file != null)
        {
            stopWatching(); // the appender's own window is checked from now on
        }
        if (address != touchedChunk || touchedTo < position)
        {
            touchedChunk = address;
            touchedTo = (position + PAGE - 1) & -PAGE;
        }
        final long wanted = position + aheadBytes;
        final long end = Math.min(wanted, limit) & -PAGE;
        final long due = end - touchedTo;
        // Whole steps only, unless the chunk ends within reach: a duty cycle that populated the few pages the
        // appender used since the last one would reset the runner's back-off and wake every 50 µs, paying a park,
        // a wake-up and a system call for each handful of pages (the gateway under wrk, one-frame requests on
        // 4 connections: 1.8 µs of this thread's CPU per request that way, 0.2 µs in whole steps).
        if (address == 0 || due <= 0 || due < STEP_BYTES && wanted <= limit)
        {
            return 0;
        }
        final long length = Math.min(STEP_BYTES, due);
        final int result;
        try
        {
            result = posix.madvise(address + (touchedTo - start), length, advice);
        }
        catch (final LinkageError ex)
        {
            disable("the native madvise call failed: " + ex); // JNR binds lazily: the first call may fail to link
            throw new AgentTerminationException(ex);
        }
        if (result == 0)
        {
            touchedTo += length;
            populatedBytes += length;
            return 1;
        }
        final int errno = errno(posix);
        if (errno == EINVAL || errno == ENOSYS || errno == EPERM)
        {
            // A kernel before 5.14 (no MADV_POPULATE_WRITE), or a sandbox that forbids it: for good.
            disable("madvise(" + (advice == MADV_POPULATE_WRITE ? "MADV_POPULATE_WRITE" : advice) +
                ") returned " + result + " (errno " + errno + "): the kernel lacks it (Linux < 5.14) or " +
                "forbids it");
            throw new AgentTerminationException(failure);
        }
        // ENOMEM/EFAULT: the appender moved on and this chunk is unmapped; wait for its next publish.
        touchedChunk = 0;
        return 0;
    }

    @Override
    public void onClose()
    {
        closed = true;
        stopWatching();
    }

    /**
     * Why the journal must not be written any more because its cycle file was found cut short under the writer (the
     * whole reason, naming the file and where), or null. The appender refuses every commit once it is set, before it
     * touches the file, and the pipeline reports the journal failed. Any thread.
     */
    public String cutUnderWriter()
    {
        return cutUnderWriter;
    }

    /**
     * Each duty cycle, off the appending thread: whether the cycle file the appender writes into is now shorter than
     * the chunk it has mapped (Chronicle sizes the file past every chunk it maps, so only a cut makes it shorter:
     * {@code truncate}, a copy-back that stopped). A write into the part cut off is a SIGBUS, and one in Chronicle's
     * compare-and-set of a record header stops the JVM (docs/reliability.md); found first, the journal fails cleanly.
     * One {@code fstat} per duty cycle (at most one per 50 µs while the appender moves, one per 4 ms when quiet).
     */
    private boolean findCut(final MappedFile file, final long limit)
    {
        final long size;
        try
        {
            size = file.actualSize();
        }
        catch (final RuntimeException ex)
        {
            return false; // released at a roll: the next publish names the next file
        }
        return size < limit && cut(file.file().toPath(), size, limit);
    }

    /**
     * Before this appender's first entry there is no window to check ({@link #onAppended}), yet a writer of the
     * journal has mapped its last cycle file (a pipeline journals its provenance as it starts, with an appender of its
     * own), and the first entry will be written there: that file, as long as it is not shorter than Chronicle sized
     * it ({@link #watchBeforeFirstAppend}).
     */
    private boolean findCutBeforeFirstAppend()
    {
        final FileChannel channel = watched;
        if (channel == null)
        {
            return false;
        }
        final long size;
        try
        {
            size = channel.size();
        }
        catch (final IOException ex)
        {
            stopWatching();
            return false;
        }
        return size < watchedSize && cut(watchedFile, size, watchedSize);
    }

    /**
     * Watches {@code cycleFile}, the cycle file a writer of the journal has just written to (the pipeline's provenance,
     * or the last one when this pretoucher is made), until the appender's first entry publishes a window
     * ({@link #findCutBeforeFirstAppend}). Any thread: the agent opens it at its next duty cycle.
     */
    public void watchBeforeFirstAppend(final Path cycleFile)
    {
        pendingWatch = cycleFile;
    }

    /** Opens the file {@link #watchBeforeFirstAppend} named, and takes its length as what it must not go below. */
    private void startWatching(final Path cycleFile)
    {
        stopWatching();
        try
        {
            final FileChannel channel = FileChannel.open(cycleFile, StandardOpenOption.READ);
            watchedSize = channel.size();
            watchedFile = cycleFile;
            watched = channel;
        }
        catch (final IOException ex)
        {
            LOG.debug("{}: not watched for a cut before the first append: {}", cycleFile, ex.toString());
        }
    }

    private void stopWatching()
    {
        final FileChannel channel = watched;
        if (channel != null)
        {
            watched = null;
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // a read-only channel: nothing was to be written
            }
        }
    }

    /** Records that {@code path} is {@code size} bytes long, below the {@code mappedTo} a writer has mapped. */
    private boolean cut(final Path path, final long size, final long mappedTo)
    {
        final String walked = CutCycleFiles.describeFile(path);
        final Path directory = path.getParent();
        final String why = directory + ": DAMAGED: " + (walked != null ? walked : String.format(
            "%s is cut short: it ends at byte %,d, inside the part the writer has mapped (to byte %,d)",
            path.getFileName(), size, mappedTo)) + ", under the running writer; found by the pretoucher's check, so " +
            "nothing more is written from now on, and the entries there are lost: stop the writer and run " +
            "`pitgun journal verify " + directory + "` before it starts again";
        cutUnderWriter = why;
        LOG.error("{}", why);
        return true;
    }

    private static int errno(final PosixAPI posix)
    {
        try
        {
            return posix.lastError();
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    private void disable(final String why)
    {
        failure = why;
        disabled = true;
        LOG.warn("journal pretoucher off, page faults stay on the journaling thread: {}", why);
        disabledHandler.accept(why);
    }
}
