package io.pitgun.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code pitgun} command shown in a fenced block of {@code README.md} and {@code docs/*.md} names commands and
 * options that exist, as written; and those that need nothing but the files of a clone (no placeholder, no server,
 * no file written) run from the repository root as a separate process and exit 0.
 */
class DocCommandsTest
{
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("(?s)```[a-z]*\\n(.*?)```");
    private static final Pattern COMMAND = Pattern.compile("^(?:\\$ )?(?:bin/)?pitgun (.*)$");
    /** A command quoted inline, e.g. in README.md's table: {@code `bin/pitgun journal stats\|dump DIR`}. */
    private static final Pattern INLINE = Pattern.compile("`(?:bin/)?pitgun ((?:[^`\\\\]|\\\\.)+)`");
    /** A word the reader replaces: {@code FILE}, {@code DIR}, {@code HOST:PORT}, {@code REQUEST.json}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("^[A-Z][A-Z0-9_]*([.:][A-Za-z0-9]+)?$");
    /** Commands that finish by themselves and touch only their arguments: run when every argument exists. */
    private static final Set<String> RUNNABLE = Set.of("validate", "manifest check", "dictionary check", "solve");

    private record DocCommand(Path file, int line, List<String> words)
    {
        @Override
        public String toString()
        {
            return ROOT.relativize(file) + ":" + line + ": pitgun " + String.join(" ", words);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandNamesCommandsAndOptionsThatExist() throws IOException
    {
        final List<DocCommand> commands = documentedCommands();
        assertTrue(commands.size() >= 10, "found " + commands);
        return commands.stream().map(command -> DynamicTest.dynamicTest(command.toString(), () ->
        {
            final CommandSpec root = PitgunCommand.newCommandLine().getCommandSpec();
            CommandSpec spec = root;
            for (final String word : command.words())
            {
                if (word.startsWith("-"))
                {
                    final String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                    assertNotNull(spec.findOption(name), command + ": no option " + name + " in 'pitgun " +
                        spec.qualifiedName(" ").replaceFirst("^pitgun ?", "") + "'");
                }
                else if (spec.subcommands().containsKey(word))
                {
                    spec = spec.subcommands().get(word).getCommandSpec();
                }
            }
            assertTrue(spec != root, command + ": names no pitgun command (known: " + root.subcommands().keySet() + ")");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandThatNeedsOnlyTheCloneRunsAsWritten() throws IOException
    {
        final List<DocCommand> runnable = documentedCommands().stream().filter(DocCommandsTest::runsAlone)
            .collect(Collectors.toList());
        assertFalse(runnable.isEmpty(), "no documented command needs only the clone");
        return runnable.stream().map(command -> DynamicTest.dynamicTest(command.toString(), () ->
        {
            final List<String> process = pitgunProcess(command.words().toArray(new String[0]));
            final Path output = Files.createTempFile("doc-command", ".txt");
            try
            {
                final Process run = new ProcessBuilder(process).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
                assertTrue(run.waitFor(90, TimeUnit.SECONDS), command + ": still running after 90 s");
                assertEquals(0, run.exitValue(), command + ":\n" + Files.readString(output));
            }
            finally
            {
                Files.deleteIfExists(output);
            }
        }));
    }

    private static boolean runsAlone(final DocCommand command)
    {
        final List<String> words = command.words();
        final String name = words.size() > 1 && Set.of("manifest", "dictionary").contains(words.get(0)) ?
            words.get(0) + " " + words.get(1) : words.get(0);
        if (!RUNNABLE.contains(name))
        {
            return false;
        }
        int files = 0;
        for (final String word : words)
        {
            if (PLACEHOLDER.matcher(word).matches())
            {
                return false; // FILE, DIR, REQUEST.json: the reader fills it in; the syntax is checked above
            }
            final boolean looksLikePath = !word.startsWith("-") && (word.contains("/") || word.contains("."));
            if (looksLikePath && !Files.exists(ROOT.resolve(word)))
            {
                return false; // a file the reader brings (my.yaml, pipeline.yaml): the syntax is checked above
            }
            files += looksLikePath ? 1 : 0;
        }
        return files > 0;
    }

    /** {@code pitgun args...} as a command line for a process of its own: this JVM, the CLI's flags, its classes. */
    static List<String> pitgunProcess(final String... args) throws IOException
    {
        final List<String> process = new ArrayList<>();
        process.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        process.addAll(jvmFlags());
        process.add("-cp");
        process.add(System.getProperty("java.class.path"));
        process.add(PitgunCommand.class.getName());
        process.addAll(List.of(args));
        return process;
    }

    /** The JVM flags the CLI runs with (bin/pitgun's), for tests that start it as a process. */
    static List<String> jvmFlags() throws IOException
    {
        try (InputStream in = PitgunCommand.class.getResourceAsStream("/pitgun-jvm.flags"))
        {
            assertNotNull(in, "pitgun-jvm.flags on the class path");
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"))
                .filter(flag -> !flag.isEmpty()).collect(Collectors.toList());
        }
    }

    private static List<DocCommand> documentedCommands() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs")))
        {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        final List<DocCommand> commands = new ArrayList<>();
        for (final Path file : files)
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final Matcher inline = INLINE.matcher(FENCE.matcher(text).replaceAll(""));
            while (inline.find())
            {
                // "a\\|b" in a table cell is a choice: each alternative is a command of its own.
                for (final List<String> words : alternatives(words(inline.group(1).replace("\\|", "|"))))
                {
                    commands.add(new DocCommand(file, 0, words));
                }
            }
            final Matcher fence = FENCE.matcher(text);
            while (fence.find())
            {
                final int firstLine = lineOf(text, fence.start(1));
                final String[] lines = fence.group(1).split("\n", -1);
                for (int i = 0; i < lines.length; i++)
                {
                    for (final String part : lines[i].trim().split("&&|\\|"))
                    {
                        final Matcher command = COMMAND.matcher(part.trim());
                        if (command.matches() && !command.group(1).startsWith("loadgen --sweep:"))
                        {
                            commands.add(new DocCommand(file, firstLine + i, words(command.group(1))));
                        }
                    }
                }
            }
        }
        return commands;
    }

    /** The words of a documented command: no comment, no optional-brackets, no ellipsis. */
    private static List<String> words(final String text)
    {
        final String withoutComment = text.replaceFirst("\\s+#.*$", "");
        final List<String> words = new ArrayList<>();
        for (final String word : withoutComment.trim().split("\\s+"))
        {
            final String bare = word.replace("[", "").replace("]", "");
            if (!bare.isEmpty() && !bare.equals("...") && !bare.equals("\\"))
            {
                words.add(bare);
            }
        }
        return words;
    }

    private static List<List<String>> alternatives(final List<String> words)
    {
        List<List<String>> expanded = List.of(List.of());
        for (final String word : words)
        {
            final List<List<String>> next = new ArrayList<>();
            for (final List<String> prefix : expanded)
            {
                for (final String choice : word.split("\\|"))
                {
                    final List<String> longer = new ArrayList<>(prefix);
                    longer.add(choice);
                    next.add(longer);
                }
            }
            expanded = next;
        }
        return expanded;
    }

    private static int lineOf(final String text, final int offset)
    {
        int line = 1;
        for (int i = 0; i < offset; i++)
        {
            if (text.charAt(i) == '\n')
            {
                line++;
            }
        }
        return line;
    }
}
