package io.pitgun.cli;

import picocli.CommandLine;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns an exception escaping a command into one line on stderr and exit status 1. Users get the reason, not a
 * stack trace; {@code PITGUN_DEBUG=1} brings the trace back for bug reports.
 */
final class CliErrorHandler implements CommandLine.IExecutionExceptionHandler
{
    /** Exit status for a command that failed (bad input, unreadable file, a check that did not pass). */
    static final int FAILED = 1;
    /**
     * Exit status for a command line that is wrong in itself: an unknown option, a value of the wrong form or out of
     * its range, options that do not go together. Picocli's own for what it parses; {@link #usageError} gives the
     * commands' own checks of their options the same.
     */
    static final int USAGE = CommandLine.ExitCode.USAGE;
    /** What {@link #USAGE} means, in every command's "Exit codes:" help ({@link #listExitCodes}). */
    static final String USAGE_EXIT_CODE = "a command line wrong in itself, printed with the usage";
    /** What 0 means for a command that only groups others (or prints help): its usage was printed. */
    static final String USAGE_PRINTED_EXIT_CODE = "the usage printed";
    /** Causes named after the exception's own message, at most. */
    static final int MAX_CAUSES = 5;

    /**
     * Gives every command under {@code commandLine} (itself included) an "Exit codes:" help section that lists
     * {@link #USAGE} in order among the others: a command's annotation lists what its own 0 and 1 (and any other
     * status) mean, and the usage error, which every command exits with (README), is added here once rather than in
     * each. A command that only groups others, or {@code help}, lists 0 as {@link #USAGE_PRINTED_EXIT_CODE}. Before,
     * most commands said "exit 0 when ..., 1 otherwise" in their description, leaving 2 out.
     */
    static void listExitCodes(final CommandLine commandLine)
    {
        final CommandLine.Model.UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
        final Map<Integer, String> codes = new TreeMap<>();
        usage.exitCodeList().forEach((code, meaning) -> codes.put(Integer.parseInt(code.strip()), meaning));
        if (codes.isEmpty() && (!commandLine.getSubcommands().isEmpty() ||
            commandLine.getCommand() instanceof CommandLine.HelpCommand))
        {
            codes.put(0, USAGE_PRINTED_EXIT_CODE);
        }
        codes.put(USAGE, USAGE_EXIT_CODE);
        final Map<String, String> list = new LinkedHashMap<>();
        codes.forEach((code, meaning) -> list.put(Integer.toString(code), meaning));
        usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
        for (final Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet())
        {
            if (sub.getValue().getCommandSpec().name().equals(sub.getKey()))
            {
                listExitCodes(sub.getValue()); // each command once, not again under an alias
            }
        }
    }

    /**
     * A refusal of the command line found by a command's own check, to be thrown from {@code call()}: picocli then
     * prints it with the usage help and exits {@link #USAGE}, as it does for an option it cannot parse.
     */
    static CommandLine.ParameterException usageError(final CommandLine.Model.CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public int handleExecutionException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        // The whole command ("pitgun keys generate"), not its last word: "pitgun generate" names no command.
        commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": " + describe(ex));
        if ("1".equals(System.getenv("PITGUN_DEBUG")))
        {
            ex.printStackTrace(commandLine.getErr());
        }
        return FAILED;
    }

    /**
     * {@code ex}'s message followed by its causes' ({@code ": "} between), each left out when the text already says
     * it (a wrapper's message is often its cause's {@code toString()}), at most {@value #MAX_CAUSES} causes. The
     * cause is often the one a user can act on: at {@code ulimit -n 16} the gateway said only "failed to create a
     * child event loop", and "Too many open files" was in its cause.
     */
    static String describe(final Throwable ex)
    {
        final StringBuilder text = new StringBuilder(message(ex) == null ? ex.getClass().getSimpleName() :
            message(ex));
        final java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(ex);
        int causes = 0;
        // Each throwable once (a chain can loop back), and no further than MAX_CAUSES messages.
        for (Throwable cause = ex.getCause(); cause != null && seen.add(cause) && causes < MAX_CAUSES;
            cause = cause.getCause())
        {
            final String message = message(cause);
            if (message != null && !message.isBlank() && text.indexOf(message) < 0)
            {
                text.append(": ").append(message);
                causes++;
            }
        }
        return text.toString();
    }

    /**
     * A throwable's message; a file system exception's says what failed, not only the path as Java's does
     * ({@code pitgun simulate --output /nonexistent/x.csv} printed just the path).
     */
    private static String message(final Throwable ex)
    {
        if (!(ex instanceof FileSystemException problem) || problem.getFile() == null)
        {
            return ex.getMessage();
        }
        final Path file = Path.of(problem.getFile());
        final String other = problem.getOtherFile() == null ? "" : " -> " + problem.getOtherFile();
        final String what;
        if (problem.getReason() != null)
        {
            what = problem.getReason();
        }
        else if (problem instanceof NoSuchFileException)
        {
            final Path parent = file.toAbsolutePath().getParent();
            what = parent != null && !Files.isDirectory(parent) ? "the directory " + parent + " does not exist" :
                "no such file or directory";
        }
        else if (problem instanceof AccessDeniedException)
        {
            what = "permission denied";
        }
        else if (problem instanceof FileAlreadyExistsException)
        {
            what = "already exists";
        }
        else
        {
            what = problem.getClass().getSimpleName();
        }
        return file + other + ": " + what;
    }
}
