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
     * A command whose help lists its exit codes lists {@link CliErrorHandler#USAGE} too, as every command exits with
     * it (README): gateway, hive, runs, solve and stat listed only 0 and 1 (hive 3 as well) and exited 2 all the same.
     */
    @Test
    void shouldListTheUsageExitCodeWhereAHelpListsExitCodes()
    {
        final List<String> listing = new ArrayList<>();
        commandPaths(PitgunCommand.newCommandLine(), new ArrayList<>(), listing);
        assertTrue(listing.size() >= 5, "commands listing exit codes: " + listing);
        for (final String path : listing)
        {
            final List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            final String help = CliRun.of(args.toArray(String[]::new)).out();
            final String exitCodes = help.substring(Math.max(0, help.indexOf("Exit codes:")));
            assertTrue(Pattern.compile("(?m)^\\s+" + CliErrorHandler.USAGE + "\\s+\\S").matcher(exitCodes).find(),
                "pitgun " + path + " --help lists no exit code " + CliErrorHandler.USAGE + ":\n" + help);
        }
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

    /** The space-separated paths of the commands under {@code commandLine} whose help lists exit codes. */
    private static void commandPaths(final CommandLine commandLine, final List<String> path, final List<String> listing)
    {
        if (!commandLine.getCommandSpec().usageMessage().exitCodeList().isEmpty())
        {
            listing.add(String.join(" ", path));
        }
        for (final Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet())
        {
            if (sub.getValue().getCommandSpec().name().equals(sub.getKey()))
            {
                final List<String> subPath = new ArrayList<>(path);
                subPath.add(sub.getKey());
                commandPaths(sub.getValue(), subPath, listing);
            }
        }
    }
}
