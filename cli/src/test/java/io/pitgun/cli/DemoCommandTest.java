package io.pitgun.cli;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun demo} on the first rows of the shipped sample session, against a real embedded gateway. */
class DemoCommandTest
{
    @TempDir
    Path dir;

    /**
     * The "Next:" lines are commands to paste: each path is one word to the shell whatever it holds. Before, a data
     * directory {@code run 1} printed {@code rm -rf DIR/run 1}, which deleted {@code ./1} and left the directory, and
     * {@code journal stats} got three arguments.
     */
    @Test
    void shouldPrintNextCommandsWhoseEveryPathIsOneShellWord() throws Exception
    {
        final Path decoy = Files.createDirectories(dir.resolve("1"));
        Files.writeString(decoy.resolve("precious"), "keep");
        final Path data = dir.resolve("run 1 'quoted' $HOME");

        final CliRun run = CliRun.of("demo", "--rows", "200", "--data-dir", data.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        final List<String> next = run.out().lines().dropWhile(line -> !line.equals("Next:")).skip(1)
            .map(line -> line.replaceFirst("\\s+# .*$", "").trim()).collect(java.util.stream.Collectors.toList());
        final Path journal = data.resolve("journal");
        assertEquals(List.of("bin/pitgun", "journal", "stats", journal.toString()), shellWords(next.get(1)));
        final List<String> replay = shellWords(next.get(0));
        assertEquals(List.of("bin/pitgun", "journal", "replay", journal.toString()), replay.subList(0, 4));
        assertEquals(data.resolve("replay.jsonl").toString(), replay.get(replay.size() - 1));
        final String remove = next.get(next.size() - 1);
        assertEquals(List.of("rm", "-rf", data.toString()), shellWords(remove));

        final Process rm = new ProcessBuilder("bash", "-c", remove).directory(dir.toFile()).start();
        assertEquals(0, rm.waitFor());
        assertFalse(Files.exists(data), "the data directory is gone");
        assertEquals("keep", Files.readString(decoy.resolve("precious")), "and nothing else");
    }

    /** The words bash makes of {@code line}. */
    private static List<String> shellWords(final String line) throws Exception
    {
        final Process words = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + line).start();
        final String out = new String(words.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, words.waitFor(), line);
        return List.of(out.split("\\u0000"));
    }

    @Test
    void shouldRefuseADataDirectoryThatAlreadyHoldsFilesAndLeaveThemAlone() throws Exception
    {
        final Path mine = Files.writeString(dir.resolve("my-notes.txt"), "mine");

        final CliRun run = CliRun.of("demo", "--rows", "10", "--data-dir", dir.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("already exists and is not an empty directory"), run.err());
        assertFalse(run.out().contains("rm -rf"), run.out());
        assertEquals(List.of(mine), Files.list(dir).collect(java.util.stream.Collectors.toList()));
    }

    /**
     * A --data-dir that is a symbolic link to nothing is there (a link), so it is refused as what it is, before
     * anything starts, and left alone. Before, it passed the check (a link's target was looked for, not the link) and
     * the demo stopped later saying the directory "was made by another run meanwhile".
     */
    @Test
    void shouldRefuseADataDirectoryThatIsALinkToNothing() throws Exception
    {
        final Path link = Files.createSymbolicLink(dir.resolve("data"), dir.resolve("gone"));

        final CliRun run = CliRun.of("demo", "--rows", "10", "--data-dir", link.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("already exists and is not an empty directory"), run.err());
        assertFalse(run.err().contains("another run"), run.err());
        assertTrue(Files.isSymbolicLink(link) && !Files.exists(dir.resolve("gone")), "left alone");
    }

    @Test
    void shouldRefuseZeroRows()
    {
        final CliRun run = CliRun.of("demo", "--rows", "0", "--data-dir", dir.resolve("new").toString());

        assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--rows must be at least 1, got 0"), run.err());
        assertFalse(Files.exists(dir.resolve("new")), "nothing created for a refused run");
    }

    /** A port out of range, or one without --live, is a usage error (exit 2), as an unparsable --port is. */
    @Test
    void shouldRefuseAPortAsAUsageError()
    {
        for (final String[] args : new String[][] {{"demo", "--live", "--port", "70000"}, {"demo", "--port", "8080"}})
        {
            final CliRun run = CliRun.of(args);
            assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("--port takes a port 0..65535 and goes with --live"), run.err());
        }
        assertEquals(CliErrorHandler.USAGE, CliRun.of("demo", "--port", "x").exitCode(), "picocli's own");
    }

    /**
     * A {@code --batch} out of range is a usage error (exit 2, README), refused before anything is started or
     * created. Before, the demo made its data directory, started its gateway, and only the replay found it: exit 1,
     * without the usage, and a temporary directory left behind.
     */
    @Test
    void shouldRefuseABatchOutOfRangeAsAUsageErrorBeforeStartingAnything()
    {
        for (final String batch : List.of("0", "1025"))
        {
            final Path data = dir.resolve("new-" + batch);

            final CliRun run = CliRun.of("demo", "--batch", batch, "--rows", "10", "--data-dir", data.toString());

            assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("pitgun demo: --batch must be in [1, 1024]"), run.err());
            assertTrue(run.err().contains("Usage: pitgun demo"), run.err());
            assertFalse(Files.exists(data), "nothing created for a refused run");
        }
    }

    /**
     * {@code demo --live --port P} with P in use: exit 1 saying so, and the directory the demo made for its gateway
     * is removed again (nothing was printed about it). Before, it stayed behind, a temporary directory the user was
     * never told of. A directory that was there before (empty) is left where it was.
     */
    @Test
    void shouldRemoveTheDirectoryItMadeWhenItsGatewayCannotStart() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final String port = String.valueOf(taken.getLocalPort());
            final Path made = dir.resolve("made");
            final CliRun run = CliRun.of("demo", "--live", "--port", port, "--data-dir", made.toString());

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("Address already in use"), run.err());
            // The demo's own option, not the gateway's PITGUN_GATEWAY_BIND (--bind) the user never gave.
            assertTrue(run.err().startsWith("pitgun demo: --port " + port + ": cannot listen on "), run.err());
            assertFalse(run.err().contains("--bind"), run.err());
            assertFalse(Files.exists(made), "the directory the demo made is gone");

            final Path existing = Files.createDirectories(dir.resolve("existing"));
            assertEquals(1, CliRun.of("demo", "--live", "--port", port, "--data-dir", existing.toString()).exitCode());
            assertTrue(Files.isDirectory(existing), "a directory the user gave is left");
        }
    }

    /**
     * An empty {@code --input} cut by {@code --rows}: the message names the user's file (and a problem on a line, the
     * user's line). Before, it named the demo's temporary cut of it, {@code .../session-slice.csv: empty file}.
     */
    @Test
    void shouldNameTheUsersInputNotItsCut() throws Exception
    {
        final Path empty = Files.createFile(dir.resolve("empty.csv"));
        final List<String> lines = Files.readAllLines(Path.of("..", DemoCommand.SAMPLE)).subList(0, 11);
        final List<String> bad = new ArrayList<>(lines);
        bad.add(3, "");
        bad.set(6, bad.get(6).replaceFirst(",[^,]*$", ",oops"));
        final Path malformed = Files.write(dir.resolve("malformed.csv"), bad);

        final CliRun run = CliRun.of("demo", "--input", empty.toString(), "--rows", "5", "--data-dir",
            dir.resolve("run").toString());
        final CliRun line = CliRun.of("demo", "--input", malformed.toString(), "--rows", "8", "--data-dir",
            dir.resolve("run-2").toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(empty + ": empty file"), run.err());
        assertFalse(run.err().contains("session-slice"), run.err());
        assertEquals(1, line.exitCode(), line.out() + line.err());
        assertTrue(line.err().contains(malformed + ":7: "), line.err());
        assertFalse(line.err().contains("session-slice"), line.err());
    }

    @Test
    void shouldRefuseAReplayRateOfZero()
    {
        final CliRun run = CliRun.of("replay", "--input", "../" + DemoCommand.SAMPLE, "--rate", "0");

        assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--rate must be more than 0 frames per second, got 0.0"), run.err());
    }

    /**
     * One row: a lap of one frame has no time-weighted braking share (its summary says null, the lap covers no
     * time), which the table shows as no value rather than "NaN%".
     */
    @Test
    void shouldShowAStatisticTheSummaryLeavesNullAsNoValue()
    {
        final CliRun run = CliRun.of("demo", "--rows", "1", "--data-dir", dir.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertFalse(run.out().contains("NaN"), run.out());
        assertTrue(Pattern.compile("(?m)^\\s+0\\s+0:00\\.000\\s+1\\s.*\\s–\\s+\\(partial\\)$").matcher(run.out()).find(),
            run.out());
    }

    /** 507 rows are exactly the out-lap (row 508 starts lap 1): it ended, so it is not marked. */
    @Test
    void shouldNotMarkALapThatEndedWhereTheRowsEnd()
    {
        final CliRun run = CliRun.of("demo", "--rows", "507", "--data-dir", dir.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(Pattern.compile("(?m)^\\s+0\\s+0:0\\d\\.\\d{3}\\s+507\\s").matcher(run.out()).find(), run.out());
        assertFalse(run.out().contains("(partial)"), run.out());
    }

    /**
     * {@code --input} is read as the replay reads it, also when {@code --rows} cuts it: a {@code .gz} file
     * decompressed, a blank line not a row, a quoted value unquoted. Here the first 600 rows of the sample,
     * gzipped, a blank line among the first 500 and the lap numbers after them quoted: 500 rows end inside the
     * out-lap (row 501 is {@code "0"}), so it is marked. Before, the cut read the gzip bytes as text and failed.
     */
    @Test
    void shouldCutAGzippedQuotedInputAsTheReplayReadsIt() throws Exception
    {
        final List<String> lines = Files.readAllLines(Path.of("..", DemoCommand.SAMPLE)).subList(0, 601);
        final int lap = List.of(lines.get(0).split(",")).indexOf("lap_number");
        final Path input = dir.resolve("session.csv.gz");
        try (java.io.Writer w = new java.io.OutputStreamWriter(
            new java.util.zip.GZIPOutputStream(Files.newOutputStream(input)), java.nio.charset.StandardCharsets.UTF_8))
        {
            for (int i = 0; i < lines.size(); i++)
            {
                final String[] cells = lines.get(i).split(",", -1);
                if (i > 500)
                {
                    cells[lap] = '"' + cells[lap] + '"';
                }
                w.write(String.join(",", cells) + "\n" + (i == 250 ? "\n" : ""));
            }
        }

        final CliRun run = CliRun.of("demo", "--input", input.toString(), "--rows", "500", "--data-dir",
            dir.resolve("run").toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(Pattern.compile("(?m)^\\s+0\\s+0:0\\d\\.\\d{3}\\s+500\\s.*\\(partial\\)$").matcher(run.out()).find(),
            run.out());
    }

    @Test
    void shouldPrintTheLapTableAndLatencyPercentilesAndWriteHdrFiles() throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = PitgunCommand.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        final int exit = cli.execute("demo", "--rows", "3000", "--data-dir", dir.toString());

        final String text = out.toString();
        assertEquals(0, exit, text + err);
        assertTrue(text.contains("lap time"), text);
        // The first 3,000 rows are the out-lap (lap 0, 507 rows) and the start of lap 1: one table row each, with
        // the frame counts of the sample.
        assertTrue(Pattern.compile("(?m)^\\s+0\\s+0:0\\d\\.\\d{3}\\s+507\\s").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\s+1\\s+\\d:\\d{2}\\.\\d{3}\\s+2493\\s").matcher(text).find(), text);
        // Lap 1 is cut short by --rows: marked as the live page marks such a lap; the out-lap ended, so it is not.
        assertTrue(Pattern.compile("(?m)^\\s+1\\s+.*%\\s+\\(partial\\)$").matcher(text).find(), text);
        assertFalse(Pattern.compile("(?m)^\\s+0\\s+.*\\(partial\\)$").matcher(text).find(), text);
        assertTrue(text.contains("(partial): the lap --rows stopped the session in"), text);
        for (final String stage : List.of("send → ack (replay)", "publish → journaled", "publish → processed"))
        {
            final Matcher row = Pattern.compile("(?m)^" + Pattern.quote(stage) + "\\s+(\\d+)(\\s+[\\d.]+){5}$")
                .matcher(text);
            assertTrue(row.find(), stage + " row in\n" + text);
            assertTrue(Long.parseLong(row.group(1)) > 0, stage);
        }
        assertTrue(text.contains("bin/pitgun journal replay " + dir.toAbsolutePath().resolve("journal")), text);
        // The replay's summary and the table read send → ack from the same histogram: the same figures. Before,
        // the table read an ns copy of it with other bucket edges (p50 3051 µs against 3052, max 76671 against 76677).
        final Matcher summary = Pattern.compile("latency send→ack \\(µs\\): p50 (\\d+)  p90 (\\d+)  p99 (\\d+)  " +
            "p99\\.9 (\\d+)  max (\\d+)").matcher(text);
        assertTrue(summary.find(), text);
        final Matcher table = Pattern.compile("(?m)^send → ack \\(replay\\)\\s+\\d+\\s+([\\d.]+)\\s+([\\d.]+)\\s+" +
            "([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)$").matcher(text);
        assertTrue(table.find(), text);
        for (int i = 1; i <= 5; i++)
        {
            assertEquals(Double.parseDouble(summary.group(i)), Double.parseDouble(table.group(i)), "column " + i +
                " of\n" + summary.group() + "\n" + table.group());
        }

        final Path latency = dir.resolve("latency");
        for (final String name : List.of("send_to_ack", "publish_to_journaled", "publish_to_processed"))
        {
            final String hgrm = Files.readString(latency.resolve(name + ".hgrm"));
            assertTrue(hgrm.contains("Value     Percentile TotalCount 1/(1-Percentile)"), hgrm);
        }
        final List<String> tags = new ArrayList<>();
        final HistogramLogReader reader = new HistogramLogReader(latency.resolve("demo.hlog").toString());
        for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
        {
            tags.add(h.getTag());
        }
        reader.close();
        assertEquals(List.of("send_to_ack", "publish_to_journaled", "publish_to_processed"), tags);
    }

    /**
     * Ctrl-C during the replay of a {@code bin/pitgun demo} process: the replay stops, the gateway drains, and the demo
     * says what it did (the summary, the lap table with the lap it stopped in marked), where its temporary directory
     * is and how to remove it, and exits 1 (README), leaving no process. Before, it exited 130 printing none of it,
     * and the directory with its partial journal was left unnamed.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReportWhatItDidAndWhereItsDirectoryIsWhenInterrupted() throws Exception
    {
        // --batch 10: the whole sample in envelopes of 10 takes long enough to be interrupted a tenth of the way in.
        final Process demo = new ProcessBuilder(DocCommandsTest.pitgunProcess("demo", "--batch", "10"))
            .redirectErrorStream(true).start();
        final StringBuffer output = new StringBuffer();
        final Thread reader = readOutput(demo, output);
        Path data = null;
        try
        {
            Await.until("a tenth of the replay sent", Duration.ofSeconds(120), () ->
                output.toString().contains(" 10%  ") || !demo.isAlive());
            assertTrue(demo.isAlive(), output.toString());
            final List<ProcessHandle> children = demo.descendants().collect(java.util.stream.Collectors.toList());
            assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).start().waitFor());
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGINT:\n" + output);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            final String out = output.toString();
            final Matcher dir = Pattern.compile("(?m)^  data directory: (.+)$").matcher(out);
            assertTrue(dir.find(), out);
            data = Path.of(dir.group(1));

            assertEquals(1, demo.exitValue(), out);
            assertTrue(out.contains("pitgun demo: interrupted: the replay stopped after "), out);
            assertTrue(Pattern.compile("acked: +\\d+ envelopes, [1-9]\\d* frames").matcher(out).find(), out);
            assertFalse(out.contains("100%  "), "stopped before the end:\n" + out);
            assertTrue(Pattern.compile("(?m)^.*\\(partial\\)$").matcher(out).find(), out);
            assertTrue(out.contains("(partial): the lap the interrupt stopped the session in"), out);
            assertTrue(out.contains("Journal:  " + data.resolve("journal")), out);
            assertTrue(out.contains("rm -rf " + data), out);
            assertTrue(Files.isDirectory(data.resolve("journal")), "the journal is kept for a look");
            for (final ProcessHandle child : children)
            {
                assertFalse(child.isAlive(), "left running: " + child.info());
            }
        }
        finally
        {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            if (data != null)
            {
                new ProcessBuilder("rm", "-rf", data.toString()).start().waitFor();
            }
        }
    }
    /**
     * A signal while the demo cuts {@code --rows} of its input, before its replay: the demo says it was interrupted
     * before the replay, names its data directory and how to remove it, and exits 1 (README). Before, the handler
     * was installed only after the cut, and a signal during it exited 130 printing nothing, the directory it had made
     * unnamed. The input is large (about 70 MB) so that the cut is still under way when the signal comes; should the
     * machine be fast enough for the cut to end first, the signal stops the replay instead, and the demo says so.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReportAndExit1WhenInterruptedWhileCuttingRows() throws Exception
    {
        final Path csv = dir.resolve("long.csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv))
        {
            out.write("timestamp_us,lap_number,Speed,Engine_RPM\n");
            for (int i = 0; i < 2_000_000; i++)
            {
                out.write(Long.toString(1_775_908_800_000_000L + i * 10_000L));
                out.write(",1,");
                out.write(Integer.toString(100 + i % 200));
                out.write(",");
                out.write(Integer.toString(9_000 + i % 3_000));
                out.write('\n');
            }
        }
        final Path data = dir.resolve("demo-data");
        final Process demo = new ProcessBuilder(DocCommandsTest.pitgunProcess("demo", "--input", csv.toString(),
            "--rows", "2000000", "--data-dir", data.toString())).redirectErrorStream(true).start();
        final StringBuffer output = new StringBuffer();
        final Thread reader = readOutput(demo, output);
        try
        {
            Await.until("the cut of --rows begun", Duration.ofSeconds(60), () ->
                Files.exists(data.resolve("session-slice.csv")) || !demo.isAlive());
            // Not Process.destroy(): it closes the streams the report is read from.
            assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(demo.pid())).start().waitFor());
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM:\n" + output);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            final String out = output.toString();

            assertEquals(1, demo.exitValue(), out);
            assertTrue(out.contains("  data directory: " + data), out);
            assertTrue(out.contains("pitgun demo: interrupted"), out);
            assertTrue(out.contains("rm -rf " + data), out);
        }
        finally
        {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A thread that appends {@code process}'s output to {@code output}, line by line, until it ends. */
    private static Thread readOutput(final Process process, final StringBuffer output)
    {
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)))
            {
                for (String line = lines.readLine(); line != null; line = lines.readLine())
                {
                    output.append(line).append('\n');
                }
            }
            catch (final IOException ended)
            {
                // the process ended
            }
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
