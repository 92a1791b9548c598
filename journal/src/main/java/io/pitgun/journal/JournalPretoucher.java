package io.pitgun.journal;

import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Keeps the pages ahead of the journal's write position mapped and writable, on a thread of its own, so that the
 * appending thread does not take the page faults.
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
 * {@code ENOMEM} instead of faulting. The window it works on is published by the appender after every commit (once
 * per batch, not per frame) through a sequence lock, so it never combines one chunk's address with another's
 * bounds. Where the kernel lacks {@code MADV_POPULATE_WRITE} ({@code EINVAL}), forbids it, or no native call is
 * available, it turns itself off ({@link #failure()} says why, a warning is logged and the handler given to
 * {@link #onDisabled} is told, so the pipeline counts it): appends work the same, just with the page faults on
 * the appending thread. Other failures (the chunk was unmapped, the disk is full) make it wait for the appender's
 * next window, backing off like an idle loop.
 * <p>
 * Costs: the file's pages up to {@link #aheadBytes()} past the last entry are allocated (and, on a disk-backed file
 * system, dirtied) early; the extra space is bounded by that distance.
 */
public final class JournalPretoucher implements Runnable
{
    /** {@code MADV_POPULATE_WRITE} from {@code <linux/mman.h>}; Chronicle's enum predates it. */
    public static final int MADV_POPULATE_WRITE = 23;
    private static final long PAGE = 4096;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    /** Populate in steps this large: long enough to amortise the call, short enough to follow the appender. */
    public static final int STEP_BYTES = 256 * 1024;
    /** Idle back-off: from a short park while the appender moves, to a long one when the journal is quiet, so an
     *  idle pipeline costs next to nothing; at the longest park the window ahead still covers milliseconds of
     *  journal at the highest rates measured. */
    private static final long MIN_IDLE_NANOS = 50_000;
    private static final long MAX_IDLE_NANOS = 1_000_000;
    private static final VarHandle VERSION;
    private static final Logger LOG = LoggerFactory.getLogger(JournalPretoucher.class);

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(JournalPretoucher.class, "version", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long aheadBytes;
    private final int advice;
    private volatile Consumer<String> disabledHandler = why -> { };
    // Written by the appending thread under the sequence lock `version` (odd while writing).
    private volatile long version;
    private long chunkAddress;
    private long chunkStart;
    private long chunkLimit;
    private long writePosition;

    private volatile boolean running = true;
    private volatile boolean disabled;
    private volatile long populatedBytes;
    private volatile String failure;

    JournalPretoucher(final long aheadBytes)
    {
        this(aheadBytes, MADV_POPULATE_WRITE);
    }

    /** With another {@code madvise} advice: tests pass one the kernel rejects to take the "unsupported" path. */
    JournalPretoucher(final long aheadBytes, final int advice)
    {
        this.advice = advice;
        if (aheadBytes < STEP_BYTES)
        {
            throw new IllegalArgumentException("aheadBytes: " + aheadBytes + " is below the step of " + STEP_BYTES);
        }
        this.aheadBytes = aheadBytes;
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
     * pretoucher's thread). Set it before starting {@link #run()}.
     */
    public void onDisabled(final Consumer<String> handler)
    {
        disabledHandler = handler;
    }

    /** True once {@link #stop()} was called: a stopped pretoucher does not run again. */
    public boolean isStopped()
    {
        return !running;
    }

    /** Asks {@link #run()} to return; it does within about a millisecond plus one step's system call. */
    public void stop()
    {
        running = false;
    }

    /**
     * Called by the appending thread after each commit: the mapped chunk it wrote into (its native address, the
     * file offsets it covers) and the file offset just past the last entry. Allocation-free, wait-free.
     */
    void publish(final long address, final long start, final long limit, final long position)
    {
        final long v = version;
        VERSION.setRelease(this, v + 1);
        VarHandle.storeStoreFence();
        chunkAddress = address;
        chunkStart = start;
        chunkLimit = limit;
        writePosition = position;
        VERSION.setRelease(this, v + 2);
    }

    @Override
    public void run()
    {
        final PosixAPI posix;
        try
        {
            posix = PosixAPI.posix();
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
            return;
        }
        long touchedChunk = 0;
        long touchedTo = 0;
        long idleNanos = MIN_IDLE_NANOS;
        while (running && !disabled)
        {
            final long v = (long)VERSION.getAcquire(this);
            final long address = chunkAddress;
            final long start = chunkStart;
            final long limit = chunkLimit;
            final long position = writePosition;
            VarHandle.loadLoadFence();
            if ((v & 1) != 0 || v != (long)VERSION.getAcquire(this))
            {
                LockSupport.parkNanos(MIN_IDLE_NANOS); // caught mid-publish: read again soon
                continue;
            }
            if (address != touchedChunk || touchedTo < position)
            {
                touchedChunk = address;
                touchedTo = (position + PAGE - 1) & -PAGE;
            }
            final long end = Math.min(position + aheadBytes, limit) & -PAGE;
            final long length = Math.min(STEP_BYTES, end - touchedTo);
            if (address == 0 || length <= 0)
            {
                idleNanos = parkAndBackOff(idleNanos);
                continue;
            }
            idleNanos = MIN_IDLE_NANOS;
            final int result;
            try
            {
                result = posix.madvise(address + (touchedTo - start), length, advice);
            }
            catch (final RuntimeException | LinkageError ex)
            {
                disable("the native madvise call failed: " + ex); // JNR binds lazily: the first call may throw
                return;
            }
            if (result == 0)
            {
                touchedTo += length;
                populatedBytes += length;
            }
            else
            {
                final int errno = errno(posix);
                if (errno == EINVAL || errno == ENOSYS || errno == EPERM)
                {
                    // A kernel before 5.14 (no MADV_POPULATE_WRITE), or a sandbox that forbids it: for good.
                    disable("madvise(" + (advice == MADV_POPULATE_WRITE ? "MADV_POPULATE_WRITE" : advice) +
                        ") returned " + result + " (errno " + errno + "): the kernel lacks it (Linux < 5.14) or " +
                        "forbids it");
                }
                else
                {
                    // ENOMEM/EFAULT: the appender moved on and this chunk is unmapped; wait for its next publish.
                    touchedChunk = 0;
                    idleNanos = parkAndBackOff(idleNanos);
                }
            }
        }
    }

    /** Parks for {@code idleNanos} and returns the next, longer park (doubling up to {@link #MAX_IDLE_NANOS}). */
    private static long parkAndBackOff(final long idleNanos)
    {
        LockSupport.parkNanos(idleNanos);
        return Math.min(MAX_IDLE_NANOS, idleNanos * 2);
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
