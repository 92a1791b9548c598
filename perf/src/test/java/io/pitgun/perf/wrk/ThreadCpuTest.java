package io.pitgun.perf.wrk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thread roles from names, names from jcmd's text, and CPU read from /proc for this very JVM. */
class ThreadCpuTest
{
    @Test
    void shouldTellEachThreadsRoleByItsName()
    {
        assertEquals(ThreadCpu.Role.EVENT_LOOP, ThreadCpu.role("pitgun-gateway-io-3-1"));
        assertEquals(ThreadCpu.Role.EVENT_LOOP, ThreadCpu.role("pitgun-gateway-accept-2-1"));
        assertEquals(ThreadCpu.Role.EVENT_LOOP, ThreadCpu.role("multiThreadIoEventLoopGroup-2-1"));
        assertEquals(ThreadCpu.Role.PIPELINE, ThreadCpu.role("pitgun-gateway-process"));
        assertEquals(ThreadCpu.Role.PIPELINE, ThreadCpu.role("pitgun-gateway-journal"));
        assertEquals(ThreadCpu.Role.PRETOUCH, ThreadCpu.role("pitgun-gateway-pretouch"));
        assertEquals(ThreadCpu.Role.RUNTIME, ThreadCpu.role("C2 CompilerThread0"));
        assertEquals(ThreadCpu.Role.RUNTIME, ThreadCpu.role("GC Thread#1"));
        assertEquals(ThreadCpu.Role.RUNTIME, ThreadCpu.role("G1 Conc#0"));
        assertEquals(ThreadCpu.Role.RUNTIME, ThreadCpu.role("VM Thread"));
        assertEquals(ThreadCpu.Role.OTHER, ThreadCpu.role("main/disk~space~checker"));
        assertEquals(ThreadCpu.Role.OTHER, ThreadCpu.role("pitgun-gateway-")); // a short name: no role to tell
    }

    @Test
    void shouldReadFullNamesAndThreadIdsFromThreadPrint()
    {
        final Map<Long, String> names = ThreadCpu.parseThreadNames(String.join("\n",
            "2026-12-03 10:12:01",
            "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):",
            "",
            "\"pitgun-gateway-process\" #23 daemon prio=5 os_prio=0 cpu=5.21ms elapsed=10.02s tid=0x00007f " +
                "nid=0x618a runnable  [0x00007f]",
            "   java.lang.Thread.State: RUNNABLE",
            "\"VM Thread\" os_prio=0 cpu=12.00ms elapsed=10.10s tid=0x00007f nid=0x6174 runnable  ",
            "\"C2 CompilerThread0\" #14 daemon [25003] prio=9 os_prio=0 cpu=9.1ms elapsed=3.2s tid=0x00007f nid=25003 " +
                "waiting on condition  [0x0000000000000000]"));

        assertEquals(Map.of(0x618aL, "pitgun-gateway-process", 0x6174L, "VM Thread", 25003L, "C2 CompilerThread0"),
            names);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldSeeThisJvmsOwnThreadsUseCpu() throws Exception
    {
        final long pid = ProcessHandle.current().pid();
        final Map<Long, String> names = ThreadCpu.threadNames(pid);
        final long[] before = ThreadCpu.byRole(pid, names);
        // Spins until this thread has had 200 ms of CPU by the JVM's own count, however busy the machine (a wall-clock
        // spin got 90 ms of CPU on a machine shared with other builds); bounded by a wall-clock deadline.
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long cpuEnd = threads.getCurrentThreadCpuTime() + 200_000_000L;
        final long deadline = System.nanoTime() + 60_000_000_000L;
        long spin = 0;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < deadline)
        {
            spin++;
        }
        final long[] after = ThreadCpu.byRole(pid, names);

        assertTrue(spin > 0);
        assertTrue(names.containsValue(Thread.currentThread().getName()), names.toString());
        // 200 ms of spinning on the test's thread ("main" or a surefire worker: OTHER) is at least 10 ticks.
        assertTrue(after[ThreadCpu.Role.OTHER.ordinal()] - before[ThreadCpu.Role.OTHER.ordinal()] >= 100_000_000L,
            () -> java.util.Arrays.toString(before) + " -> " + java.util.Arrays.toString(after));
    }
}
