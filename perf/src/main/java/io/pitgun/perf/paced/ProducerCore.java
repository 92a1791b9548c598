package io.pitgun.perf.paced;

import net.openhft.posix.PosixAPI;
import org.agrona.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * Gives the producing thread a core of its own, as the latency profile asks (docs/embedding.md, "The latency
 * profile"): the calling thread is pinned to the highest CPU it may run on, and every other thread of this JVM (the
 * pipeline's stage threads and pretoucher, the JIT compilers, the garbage collector) to the other CPUs it may run
 * on. On a 2-CPU machine that leaves the producer alone on one CPU and everything else, the spinning stage thread
 * included, on the other. Threads started later inherit their creator's CPUs, so {@link #apply} is called again
 * once a pipeline has opened (the producer's thread started its threads) and before each measured point;
 * {@link #offProducerThreads} makes threads that leave the producer's CPU as they start. {@link #close} gives every
 * thread the CPUs it had before (a thread started since, those the producer's thread had).
 *
 * <p>What it does not do: keep other processes, interrupts or the hypervisor off the producer's CPU
 * ({@code isolcpus}); on this VM those stay, for the bare append and the pipeline alike, which run on the same pinned
 * thread one after the other. Linux only, through {@code sched_getaffinity}/{@code sched_setaffinity} (Chronicle's
 * {@link PosixAPI}) with CPU sets built here (the library's own range helper mis-numbers CPUs from 32 up).
 */
final class ProducerCore implements AutoCloseable
{
    /** Bytes of the CPU sets passed to the kernel: 1,024 CPUs, glibc's {@code cpu_set_t}. */
    private static final int SET_BYTES = 128;

    private final PosixAPI posix;
    /** The producer's thread's CPU set buffer (a thread started by {@link #offProducerThreads} has its own). */
    private final ByteBuffer set = newSet();
    private final BitSet allowed;
    private final int producerCpu;
    private final BitSet others;
    /** Each thread's CPUs before the first pin, by thread id: what {@link #close} gives back. */
    private final Map<Integer, BitSet> before = new HashMap<>();

    private ProducerCore(final PosixAPI posix, final BitSet allowed)
    {
        this.posix = posix;
        this.allowed = allowed;
        this.producerCpu = allowed.length() - 1;
        this.others = (BitSet)allowed.clone();
        others.clear(producerCpu);
    }

    /**
     * Pins the calling thread to the highest CPU it may run on and every other thread to the rest.
     *
     * @throws IllegalStateException with the reason, every thread's CPUs as they were, when it cannot: fewer than
     *                               two CPUs to choose from, not Linux, or the kernel refused.
     */
    static ProducerCore pin()
    {
        if (!Files.isDirectory(Path.of("/proc/self/task")))
        {
            throw new IllegalStateException("no /proc/self/task: pinning threads needs Linux");
        }
        final PosixAPI posix;
        final BitSet allowed;
        try
        {
            posix = PosixAPI.posix();
            allowed = cpusOf(posix, newSet(), posix.gettid());
        }
        catch (final RuntimeException | LinkageError ex)
        {
            throw new IllegalStateException("cannot read this thread's CPUs: " + ex, ex);
        }
        if (allowed == null || allowed.cardinality() < 2)
        {
            throw new IllegalStateException("a core of its own for the producer needs 2 CPUs, this thread may run " +
                "on " + allowed);
        }
        final ProducerCore core = new ProducerCore(posix, allowed);
        try
        {
            core.apply();
        }
        catch (final RuntimeException ex)
        {
            core.close();
            throw ex;
        }
        return core;
    }

    /** The CPUs there are to share out, the producer's included (a pinned thread's {@code availableProcessors()}
     *  says 1). */
    int cpus()
    {
        return allowed.cardinality();
    }

    /** Which CPU the producer has. */
    int producerCpu()
    {
        return producerCpu;
    }

    /** Pins again: the calling thread to the producer's CPU, every other thread (also those started since) off it. */
    void apply()
    {
        final int self = posix.gettid();
        for (final int tid : threads())
        {
            final BitSet was = cpusOf(posix, set, tid);
            if (was == null)
            {
                continue; // it ended between the listing and now
            }
            before.putIfAbsent(tid, was);
            final boolean pinned = setCpus(posix, set, tid, tid == self ? single(producerCpu) : others);
            if (!pinned && tid == self)
            {
                throw new IllegalStateException("sched_setaffinity refused to pin the producer's thread " + tid +
                    " to CPU " + producerCpu);
            }
        }
    }

    /**
     * Threads that leave the producer's CPU as they start, for a thread the producer's thread starts while pinned
     * (it would otherwise inherit the producer's CPU and spin there next to it).
     */
    ThreadFactory offProducerThreads()
    {
        return task -> new Thread(() ->
        {
            setCpus(posix, newSet(), posix.gettid(), others);
            task.run();
        });
    }

    /** Every thread gets back the CPUs it had before the first pin (one started since, the producer's old ones). */
    @Override
    public void close()
    {
        final BitSet fallback = before.getOrDefault(posix.gettid(), allowed);
        for (final int tid : threads())
        {
            setCpus(posix, set, tid, before.getOrDefault(tid, fallback));
        }
    }

    static ByteBuffer newSet()
    {
        return ByteBuffer.allocateDirect(SET_BYTES);
    }

    /** The CPUs thread {@code tid} may run on, or null if it has ended; {@code set} is scratch. */
    static BitSet cpusOf(final PosixAPI posix, final ByteBuffer set, final int tid)
    {
        clear(set);
        if (!succeeded(() -> posix.sched_getaffinity(tid, SET_BYTES, BufferUtil.address(set))))
        {
            return null;
        }
        final BitSet cpus = new BitSet();
        for (int cpu = 0; cpu < SET_BYTES * Byte.SIZE; cpu++)
        {
            // cpu_set_t is an array of longs, bit i of the set is bit (i % 64) of long (i / 64): on a little-endian
            // machine that is bit (i % 8) of byte (i / 8); these benchmarks run on x86-64 and arm64 Linux.
            if ((set.get(cpu >>> 3) & (1 << (cpu & 7))) != 0)
            {
                cpus.set(cpu);
            }
        }
        return cpus;
    }

    /** Sets thread {@code tid}'s CPUs; false when the kernel refused (or the thread has ended). */
    static boolean setCpus(final PosixAPI posix, final ByteBuffer set, final int tid, final BitSet cpus)
    {
        clear(set);
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1))
        {
            set.put(cpu >>> 3, (byte)(set.get(cpu >>> 3) | 1 << (cpu & 7)));
        }
        return succeeded(() -> posix.sched_setaffinity(tid, SET_BYTES, BufferUtil.address(set)));
    }

    /**
     * True when the native call returned 0. Chronicle's JNR binding reports a failed call (ESRCH for a thread that
     * ended after the listing, EINVAL, EPERM) by throwing IllegalArgumentException rather than returning -1.
     */
    private static boolean succeeded(final IntSupplier call)
    {
        try
        {
            return call.getAsInt() == 0;
        }
        catch (final IllegalArgumentException refused)
        {
            return false;
        }
    }

    private static void clear(final ByteBuffer set)
    {
        for (int i = 0; i < SET_BYTES; i++)
        {
            set.put(i, (byte)0);
        }
    }

    private static BitSet single(final int cpu)
    {
        final BitSet one = new BitSet();
        one.set(cpu);
        return one;
    }

    private static List<Integer> threads()
    {
        final List<Integer> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            tasks.forEach(task -> tids.add(Integer.parseInt(task.getFileName().toString())));
        }
        catch (final NoSuchFileException ex)
        {
            return tids;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot list this JVM's threads in /proc/self/task", ex);
        }
        return tids;
    }
}
