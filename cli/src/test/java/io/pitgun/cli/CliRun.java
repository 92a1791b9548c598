package io.pitgun.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One {@code pitgun} command run in-process through picocli, as {@link PitgunCommand#main} runs it: its exit code
 * and what it printed on each stream.
 */
record CliRun(int exitCode, String out, String err)
{
    /** Runs {@code pitgun args...}. */
    static CliRun of(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PitgunCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
