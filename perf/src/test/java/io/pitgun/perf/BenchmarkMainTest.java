package io.pitgun.perf;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JMH's forks get the JVM flags of the one list the tests run with (the root pom's {@code pitgun.jvm.flags}). */
class BenchmarkMainTest
{
    @Test
    void shouldReadTheSameFlagsThisTestJvmWasStartedWith() throws Exception
    {
        final String flags = BenchmarkMain.jvmFlags();
        // Surefire started this JVM with argLine = ${pitgun.jvm.flags}: every flag of the resource is among them.
        final List<String> testJvm = ManagementFactory.getRuntimeMXBean().getInputArguments();

        assertTrue(flags.contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), flags);
        assertTrue(flags.contains("-Dchronicle.analytics.disable=true"), flags);
        for (final String flag : flags.split(" "))
        {
            assertTrue(testJvm.contains(flag), flag + " is not among this test JVM's flags " + testJvm);
        }
    }

    @Test
    void shouldPrependTheFlagsToJmhsArgumentsUnlessTheCallerGivesItsOwn()
    {
        final String[] args = {"FormulaBenchmark", "-f", "1"};

        assertArrayEquals(new String[] {"-jvmArgsPrepend", "--a --b", "FormulaBenchmark", "-f", "1"},
            BenchmarkMain.withJvmFlags(args, "--a --b"));
        final String[] own = {"-jvmArgsPrepend", "-Xmx1g", "FormulaBenchmark"};
        assertArrayEquals(own, BenchmarkMain.withJvmFlags(own, "--a --b"));
        assertEquals(List.of(args), List.of(BenchmarkMain.withJvmFlags(args, " ")));
        assertFalse(List.of(BenchmarkMain.withJvmFlags(args, "")).contains("-jvmArgsPrepend"));
    }
}
