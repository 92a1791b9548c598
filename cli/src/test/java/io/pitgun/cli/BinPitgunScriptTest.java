package io.pitgun.cli;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * Two first starts at once (a hive and its edges started with {@code &} on a fresh clone) each ran the build in
     * the same target directories and broke each other's. Now one builds while the other waits for it, then finds the
     * jar current. The build is a stand-in {@code mvn} that makes the jar once it is let go; the test lets it go once
     * the other start holds the lock file open (waiting on it), or once two builds have begun (before the fix).
     */
    @Test
    void shouldBuildOnceWhenTwoFirstStartsRunAtOnce() throws Exception
    {
        Files.createDirectories(clone.resolve("bin"));
        final Path script = Files.copy(ROOT.resolve("bin/pitgun"), clone.resolve("bin/pitgun"));
        Files.writeString(clone.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(clone.resolve("pom.xml"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        final Path tools = Files.createDirectories(clone.resolve("tools"));
        final Path builds = clone.resolve("builds.log");
        final Path letGo = clone.resolve("let-go");
        final Path mvn = Files.writeString(tools.resolve("mvn"), String.join("\n",
            "#!/bin/bash",
            "echo start >> '" + builds + "'",
            "for i in $(seq 600); do [[ -f '" + letGo + "' ]] && break; sleep 0.05; done",
            "mkdir -p cli/target/classes && printf -- '-Xss1m\\n' > cli/target/classes/pitgun-jvm.flags",
            ": > cli/target/pitgun.jar",
            ""));
        assertTrue(mvn.toFile().setExecutable(true));
        final Path temp = Files.createDirectories(clone.resolve("tmp")).toRealPath();

        final List<Process> starts = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            final ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), "--version"))
                .redirectErrorStream(true).redirectOutput(clone.resolve("start" + i + ".txt").toFile());
            builder.environment().put("PATH", tools + ":" + Path.of(System.getProperty("java.home"), "bin") + ":" +
                System.getenv("PATH"));
            builder.environment().put("TMPDIR", temp.toString());
            builder.environment().remove("PITGUN_JAVA_OPTS");
            starts.add(builder.start());
        }
        try
        {
            Await.until("two builds begun, or one begun while the other start waits on the lock file",
                () -> builds(builds) == 2 || builds(builds) == 1 && starts.stream().allMatch(
                    start -> holdsOpenFileIn(start.pid(), temp)));
            Files.writeString(letGo, "");
            for (final Process start : starts)
            {
                assertTrue(start.waitFor(60, TimeUnit.SECONDS), "bin/pitgun still running after 60 s");
            }
            assertEquals(1, builds(builds), "builds begun");
        }
        finally
        {
            Files.writeString(letGo, "");
            starts.forEach(Process::destroyForcibly);
        }
    }

    private static long builds(final Path log) throws java.io.IOException
    {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    /** Whether the process has a file in {@code directory} open (the build lock). */
    private static boolean holdsOpenFileIn(final long pid, final Path directory)
    {
        final Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (java.util.stream.Stream<Path> open = Files.list(fds))
        {
            return open.anyMatch(fd ->
            {
                try
                {
                    return Files.readSymbolicLink(fd).startsWith(directory);
                }
                catch (final java.io.IOException ex)
                {
                    return false; // closed meanwhile
                }
            });
        }
        catch (final java.io.IOException ex)
        {
            return false; // exited
        }
    }
}
