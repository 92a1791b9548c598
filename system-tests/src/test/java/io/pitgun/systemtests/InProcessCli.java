package io.pitgun.systemtests;

import io.pitgun.cli.PitgunCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One {@code pitgun} command run in this JVM (a tool reading what the processes under test wrote): exit code and
 * both streams.
 */
record InProcessCli(int exitCode, String out, String err)
{
    static InProcessCli run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PitgunCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new InProcessCli(commandLine.execute(args), out.toString(), err.toString());
    }
}
