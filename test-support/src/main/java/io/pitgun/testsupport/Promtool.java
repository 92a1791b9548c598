package io.pitgun.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code promtool check metrics} on an exposition; skips loudly when promtool is absent, unless CI=true. */
public final class Promtool
{
    private Promtool()
    {
    }

    /**
     * Fails unless {@code promtool check metrics} accepts {@code exposition} without a remark; aborts the test
     * (skipped, with a warning) when promtool is not installed, unless the environment has {@code CI=true}.
     */
    public static void assertMetricsPass(final String exposition) throws Exception
    {
        final String path = findPromtool();
        if (path == null)
        {
            final String message = "promtool is not installed (Debian: apt-get install prometheus): " +
                "the Prometheus exposition was NOT checked";
            System.err.println("WARNING: " + message);
            if ("true".equals(System.getenv("CI")))
            {
                throw new AssertionError(message + " and CI=true requires it");
            }
            Assumptions.abort(message);
        }
        final Process process = new ProcessBuilder(path, "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "promtool check metrics:\n" + output);
        assertEquals("", output.trim(), "promtool check metrics reported problems:\n" + output);
    }

    private static String findPromtool()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final File candidate = new File(dir, "promtool");
            if (candidate.canExecute())
            {
                return candidate.getPath();
            }
        }
        return null;
    }
}
