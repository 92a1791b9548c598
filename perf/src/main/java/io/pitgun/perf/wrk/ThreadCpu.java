package io.pitgun.perf.wrk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU time on Linux, read from {@code /proc}: a server process's threads by what they do, and this JVM's finished
 * children (wrk). Thread times are {@code utime + stime} of {@code /proc/PID/task/TID/stat}, in clock ticks (10 ms
 * here, so a 5 s run at two busy cores has a resolution of 0.1 %). {@code /proc} keeps only 15 characters of a
 * thread's name, and every gateway thread starts with {@code pitgun-gateway-}, so the full names come from
 * {@code jcmd PID Thread.print} (thread id = its {@code nid}); a thread jcmd did not list goes by its short name.
 */
final class ThreadCpu
{
    /** What a thread does, for the CPU-per-request split. */
    enum Role
    {
        /** Netty's accept and I/O event loops: HTTP parsing, splitting, decoding, answering. */
        EVENT_LOOP("cpu_event_loop_us"),
        /** The pipeline's stage threads: journal, merge, manifest, segment, sinks. */
        PIPELINE("cpu_pipeline_us"),
        /** The journal's pretoucher: the fresh pages' faults. */
        PRETOUCH("cpu_pretouch_us"),
        /** The JVM's own threads: garbage collection, the JIT compilers, the VM thread. */
        RUNTIME("cpu_runtime_us"),
        /** Anything else (timers, the disk-space checker, jcmd's attach listener). */
        OTHER("cpu_other_us");

        /** The key of this role's CPU microseconds in a summary line. */
        final String key;

        Role(final String key)
        {
            this.key = key;
        }
    }

    /** {@code "name" #12 ... nid=0x1f4 ...}: a thread's full name and its Linux thread id, as jcmd prints them (in
     *  hex up to JDK 18, in decimal from JDK 19). */
    private static final Pattern JCMD_THREAD = Pattern.compile("^\"(.*)\".*\\bnid=(0x[0-9a-fA-F]+|[0-9]+)");
    private static final long NANOS_PER_TICK = nanosPerTick();

    private ThreadCpu()
    {
    }

    /**
     * The role a thread's name says it has.
     *
     * @param name the thread's name (full, or the 15 characters {@code /proc} keeps).
     * @return its role.
     */
    static Role role(final String name)
    {
        if (name.contains("-io-") || name.contains("-accept-") || name.contains("EventLoop"))
        {
            return Role.EVENT_LOOP;
        }
        if (name.endsWith("-process") || name.endsWith("-journal"))
        {
            return Role.PIPELINE;
        }
        if (name.endsWith("-pretouch"))
        {
            return Role.PRETOUCH;
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.contains("CompilerThre") ||
            name.startsWith("VM ") || name.startsWith("Sweeper"))
        {
            return Role.RUNTIME;
        }
        return Role.OTHER;
    }

    /**
     * Full thread names by Linux thread id, from {@code jcmd PID Thread.print}; empty when jcmd fails (the short
     * names then decide the roles, which puts the gateway's threads under {@link Role#OTHER}).
     *
     * @param pid the JVM's process id.
     * @return the names.
     */
    static Map<Long, String> threadNames(final long pid) throws InterruptedException
    {
        final Map<Long, String> names = new HashMap<>();
        try
        {
            final Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print")
                .redirectErrorStream(true).start();
            final String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS))
            {
                jcmd.destroyForcibly();
                return names;
            }
            names.putAll(parseThreadNames(out));
        }
        catch (final IOException ex)
        {
            System.err.println("ThreadCpu: jcmd failed (" + ex.getMessage() + "); threads go by their short names");
        }
        return names;
    }

    /** The names in a {@code Thread.print} text, by thread id. */
    static Map<Long, String> parseThreadNames(final String threadPrint)
    {
        final Map<Long, String> names = new HashMap<>();
        for (final String line : threadPrint.split("\n"))
        {
            final Matcher m = JCMD_THREAD.matcher(line);
            if (m.find())
            {
                names.put(Long.decode(m.group(2)), m.group(1));
            }
        }
        return names;
    }

    /**
     * The CPU time each role's threads have used so far, in nanoseconds (threads that ended are not counted: the
     * servers' threads live as long as the server).
     *
     * @param pid   the process.
     * @param names full names by thread id ({@link #threadNames}).
     * @return nanoseconds by {@link Role#ordinal()}.
     */
    static long[] byRole(final long pid, final Map<Long, String> names) throws IOException
    {
        final long[] nanos = new long[Role.values().length];
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final String stat;
                try
                {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                }
                catch (final IOException ended)
                {
                    continue; // the thread ended between the listing and the read
                }
                final long tid = Long.parseLong(task.getFileName().toString());
                final String name = names.getOrDefault(tid, stat.substring(stat.indexOf('(') + 1,
                    stat.lastIndexOf(')')));
                final String[] fields = afterName(stat);
                // Fields 14 and 15 of proc(5), utime and stime; fields[0] is field 3.
                nanos[role(name).ordinal()] += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) *
                    NANOS_PER_TICK;
            }
        }
        return nanos;
    }

    /**
     * The CPU time of this JVM's children that have ended and been waited for ({@code cutime + cstime}): read
     * around a wrk run, the difference is wrk's CPU (the servers, also children, are still running).
     *
     * @return nanoseconds.
     */
    static long finishedChildrenNanos() throws IOException
    {
        final String[] fields = afterName(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII));
        // Fields 16 and 17 of proc(5).
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK;
    }

    /** The summary's {@code key=µs} words for each role's CPU between two samples. */
    static String summaryWords(final long[] before, final long[] after)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Role role : Role.values())
        {
            sb.append(' ').append(role.key).append('=')
                .append(TimeUnit.NANOSECONDS.toMicros(after[role.ordinal()] - before[role.ordinal()]));
        }
        return sb.toString();
    }

    /** The fields after the thread's name, which may hold spaces and parentheses itself. */
    private static String[] afterName(final String stat)
    {
        return stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    }

    /** The kernel's clock tick ({@code getconf CLK_TCK}); 100 Hz, the Linux default, when getconf cannot say. */
    private static long nanosPerTick()
    {
        try
        {
            final Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            final String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0)
            {
                return TimeUnit.SECONDS.toNanos(1) / Long.parseLong(out);
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            System.err.println(String.format(Locale.ROOT, "ThreadCpu: getconf CLK_TCK failed (%s); assuming 100 Hz",
                ex.getMessage()));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return TimeUnit.SECONDS.toNanos(1) / 100;
    }
}
