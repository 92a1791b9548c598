package io.pitgun.perf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChildJvmTest
{
    @Test
    void shouldStartJavaWithPitgunFlagsTheChildPropertyTheClassPathAndTheArguments() throws Exception
    {
        final List<String> command = ChildJvm.command(ChildJvmTest.class, "pitgun.test.child",
            List.of("-Dpitgun.test.extra=1"), new String[]{"--quick", "--out", "x"});

        final List<String> expected = new ArrayList<>();
        expected.add(ProcessHandle.current().info().command().orElse("java"));
        expected.addAll(BenchmarkMain.jvmFlagList());
        expected.addAll(List.of("-Dpitgun.test.child=true", "-Dpitgun.test.extra=1",
            "-cp", System.getProperty("java.class.path"), ChildJvmTest.class.getName(), "--quick", "--out", "x"));
        assertEquals(expected, command);
    }
}
