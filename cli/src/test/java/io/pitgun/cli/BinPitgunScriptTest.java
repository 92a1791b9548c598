package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/pitgun} says why when java cannot start for its version check: under {@code ulimit -u 10} or
 * {@code ulimit -v 1660000} it exited 1 with no output at all (the check ran in a pipe under {@code set -euo
 * pipefail}, its output filtered away). Run from a copy beside a stand-in jar that is newer than every source, so
 * that the script does not build; the JVM fails at a virtual-memory limit (as root too) before the jar is read.
 */
class BinPitgunScriptTest
{
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path clone;

    @Test
    void shouldSayWhatJavaSaidWhenTheVersionCheckCannotStartIt() throws Exception
    {
        Files.createDirectories(clone.resolve("bin"));
        final Path script = Files.copy(ROOT.resolve("bin/pitgun"), clone.resolve("bin/pitgun"));
        Files.writeString(clone.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(clone.resolve("pom.xml"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.createDirectories(clone.resolve("cli/target/classes"));
        Files.writeString(clone.resolve("cli/target/pitgun.jar"), "");
        Files.writeString(clone.resolve("cli/target/classes/pitgun-jvm.flags"), "-Xss1m\n");

        final Path output = clone.resolve("output.txt");
        final ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-c",
            "ulimit -v 400000; exec bash \"$0\" --version", script.toString()))
            .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" +
            System.getenv("PATH"));
        builder.environment().remove("PITGUN_JAVA_OPTS");
        final Process run = builder.start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "bin/pitgun still running after 60 s");
        final String said = Files.readString(output);
        assertEquals(1, run.exitValue(), said);
        assertTrue(said.contains("pitgun: cannot start java to check its version"), "said: '" + said + "'");
        assertTrue(said.contains("Error occurred during initialization of VM"), "java's own words: '" + said + "'");
    }
}
