package io.pitgun.cli;

import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr and exit status 1. Users get the reason, not a
 * stack trace; {@code PITGUN_DEBUG=1} brings the trace back for bug reports.
 */
final class CliErrorHandler implements CommandLine.IExecutionExceptionHandler
{
    /** Exit status for a command that failed (bad input, unreadable file, a check that did not pass). */
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        // The whole command ("pitgun keys generate"), not its last word: "pitgun generate" names no command.
        commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": " + message);
        if ("1".equals(System.getenv("PITGUN_DEBUG")))
        {
            ex.printStackTrace(commandLine.getErr());
        }
        return FAILED;
    }
}
