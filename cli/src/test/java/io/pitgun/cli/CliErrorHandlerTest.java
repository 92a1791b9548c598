package io.pitgun.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command's failure is reported with its causes' messages: at {@code ulimit -n 16} the gateway's start said only
 * "failed to create a child event loop", and the cause that says what to do ("Too many open files") was dropped.
 */
class CliErrorHandlerTest
{
    /** Fails as Netty's event loop group does when no descriptor is left for a selector. */
    @CommandLine.Command(name = "gateway")
    static final class Failing implements Callable<Integer>
    {
        @Override
        public Integer call()
        {
            final IOException root = new IOException("Too many open files");
            throw new IllegalStateException("failed to create a child event loop",
                new RuntimeException("failed to open a new selector", new IOException(root.toString(), root)));
        }
    }

    @Test
    void shouldNameEachCauseOnceOnOneLine()
    {
        final StringWriter err = new StringWriter();
        final int status = new CommandLine(new Failing()).setExecutionExceptionHandler(new CliErrorHandler())
            .setErr(new PrintWriter(err, true)).execute();
        assertEquals(CliErrorHandler.FAILED, status);
        // The third cause's message is the root's toString(): said once, not twice.
        assertEquals("gateway: failed to create a child event loop: failed to open a new selector: " +
            "java.io.IOException: Too many open files", err.toString().strip());
    }

    @Test
    void shouldStopAtACycleAndAfterFiveCauses()
    {
        Throwable chain = new IOException("cause 7");
        for (int i = 6; i >= 1; i--)
        {
            chain = new IOException("cause " + i, chain);
        }
        assertEquals("top: cause 1: cause 2: cause 3: cause 4: cause 5",
            CliErrorHandler.describe(new IllegalStateException("top", chain)));
        final Exception looped = new Exception("a");
        final Exception other = new Exception("b", looped);
        looped.initCause(other);
        assertEquals("a: b", CliErrorHandler.describe(looped));
    }

    /**
     * Every command's help lists its exit codes, 2 for a usage error among them (README: 0 ok, 1 failure, 2 usage
     * error), and a command that does something of its own lists 0 and 1. Before, validate, manifest check, dictionary
     * check, demo, loadgen, insight verify, journal verify and others said "exit 0 when ..., 1 otherwise" in their
     * description and exited 2 all the same; the commands that group others listed nothing.
     */
    @Test
    void shouldListEveryExitCodeInEveryCommandsHelp()
    {
        final List<List<String>> paths = new ArrayList<>();
        commandPaths(PitgunCommand.newCommandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 40, "commands: " + paths);
        final List<String> missing = new ArrayList<>();
        for (final List<String> path : paths)
        {
            final List<String> args = new ArrayList<>(path);
            args.add("--help");
            final CliRun run = CliRun.of(args.toArray(String[]::new));
            final int section = run.out().indexOf("Exit codes:");
            final String exitCodes = section < 0 ? "" : run.out().substring(section);
            final CommandLine command = commandAt(path);
            final boolean ownWork = command.getSubcommands().isEmpty() && !"help".equals(command.getCommandName()) ||
                command.getCommand() instanceof HiveCommand;
            final List<Integer> expected = ownWork ? List.of(0, CliErrorHandler.FAILED, CliErrorHandler.USAGE) :
                List.of(0, CliErrorHandler.USAGE);
            for (final int code : expected)
            {
                if (!Pattern.compile("(?m)^\\s+" + code + "\\s+\\S").matcher(exitCodes).find())
                {
                    missing.add(("pitgun " + String.join(" ", path)).strip() + " --help: no exit code " + code);
                }
            }
            if (!exitCodes.contains(CliErrorHandler.USAGE_EXIT_CODE))
            {
                missing.add(("pitgun " + String.join(" ", path)).strip() + " --help: no usage error line");
            }
            assertEquals(0, run.exitCode(), run.err());
        }
        assertEquals(List.of(), missing, "help texts without their exit codes");
    }

    /**
     * A command's first description line is what its parent's help lists it by (picocli's summary), so it is a whole
     * sentence: `pitgun --help` cut hive's and f1-udp-sim's mid-sentence ("... over Aeron UDP, record").
     */
    @Test
    void shouldSummariseEveryCommandInAWholeSentence()
    {
        final List<String> cut = new ArrayList<>();
        summaries(PitgunCommand.newCommandLine(), "pitgun", cut);
        assertEquals(List.of(), cut, "commands whose summary (first description line) is not a sentence");
    }

    private static void summaries(final CommandLine commandLine, final String path, final List<String> cut)
    {
        for (final Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet())
        {
            final CommandLine.Model.CommandSpec spec = sub.getValue().getCommandSpec();
            if (!spec.name().equals(sub.getKey()))
            {
                continue; // an alias
            }
            final String[] description = spec.usageMessage().description();
            final String summary = description.length == 0 ? "" : description[0].strip();
            if (!summary.endsWith("."))
            {
                cut.add(path + " " + sub.getKey() + ": " + summary);
            }
            summaries(sub.getValue(), path + " " + sub.getKey(), cut);
        }
    }

    /** The paths (words after {@code pitgun}) of {@code commandLine} and every command under it, aliases left out. */
    private static void commandPaths(final CommandLine commandLine, final List<String> path,
        final List<List<String>> paths)
    {
        paths.add(path);
        for (final Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet())
        {
            if (sub.getValue().getCommandSpec().name().equals(sub.getKey()))
            {
                final List<String> subPath = new ArrayList<>(path);
                subPath.add(sub.getKey());
                commandPaths(sub.getValue(), subPath, paths);
            }
        }
    }

    private static CommandLine commandAt(final List<String> path)
    {
        CommandLine command = PitgunCommand.newCommandLine();
        for (final String word : path)
        {
            command = command.getSubcommands().get(word);
        }
        return command;
    }
}
