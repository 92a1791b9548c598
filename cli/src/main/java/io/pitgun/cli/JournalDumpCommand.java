package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalDumper;
import io.pitgun.journal.JournalException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code pitgun journal dump DIR}: entries as JSON lines or CSV on stdout, summary on stderr. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = "Write journal entries to stdout as JSON lines (every message) or CSV (frames, one column per "
        + "channel found).",
    exitCodeList = {"0:every entry read was written",
        "1:damaged entries had to be skipped (those read are written), or the journal cannot be opened"})
final class JournalDumpCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path directory;

    @Option(names = "--from", paramLabel = "INDEX",
        description = "First message position to include, as dump prints it in \"index\" (default: the first).")
    Long fromIndex;

    @Option(names = "--to", paramLabel = "INDEX", description = "Last message position to include (default: the last).")
    Long toIndex;

    @Option(names = "--session", paramLabel = "UUID", description = "Only frames and session messages of this session.")
    String session;

    @Option(names = "--format", paramLabel = "json|csv", defaultValue = "json",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--dictionary", paramLabel = "FILE",
        description = "Dictionary naming the channels and saying which are restricted: the one the journal was " +
            "written with (default: the shipped dictionary the journal's ManifestLoaded entries name, e.g. f1-25.v1 " +
            "for a gateway with --udp, however far in the first is when the oldest cycle files were deleted; sim.v1 " +
            "if they name none, saying so on stderr). Another is refused: one of another name or, where the journal " +
            "records it, of another meaning (edited under the same name).")
    Path dictionary;

    @Option(names = "--include-restricted",
        description = "Also write the values of channels the dictionary marks restricted or internal, or does not " +
            "know (default: left out, so that a dump pasted into a ticket or a chat carries none of them; " +
            "docs/security.md).")
    boolean includeRestricted;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter err = spec.commandLine().getErr();
        final JournalDumper.Format outputFormat;
        switch (format.toLowerCase(Locale.ROOT))
        {
            case "json":
                outputFormat = JournalDumper.Format.JSON;
                break;
            case "csv":
                outputFormat = JournalDumper.Format.CSV;
                break;
            default:
                throw CliErrorHandler.usageError(spec, "pitgun journal dump: --format: expected json or csv, got '" +
                    format + "'");
        }
        final UUID sessionId;
        try
        {
            sessionId = session == null ? null : UUID.fromString(session);
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun journal dump: --session: not a UUID: '" + session + "'");
        }
        requireIndex("--from", fromIndex);
        requireIndex("--to", toIndex);
        if (fromIndex != null && toIndex != null && fromIndex > toIndex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun journal dump: --from " + fromIndex + " is after --to " +
                toIndex);
        }
        final long from = fromIndex == null ? Journal.NO_INDEX : fromIndex;
        final long to = toIndex == null ? Journal.NO_INDEX : toIndex;
        final ParameterRegistry registry = JournalCommand.dictionaryOf(directory, dictionary, err, from, to);
        final JournalDumper.Options options = new JournalDumper.Options(from, to, sessionId, outputFormat);
        final JournalDumper.Result result;
        final JournalDumper dumper = new JournalDumper(registry, includeRestricted);
        try (Journal journal = JournalCommand.openReadOnly(directory))
        {
            JournalCommand.noteMissingFiles(journal, directory, err);
            result = dumper.dump(journal, options, new WriterOutputStream(spec.commandLine().getOut()),
                JournalCommand.progress(spec, "dump"));
        }
        catch (final JournalException ex)
        {
            err.println("pitgun journal dump: " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        err.println(String.format("dumped %,d of %,d entries read", result.written(), result.entriesRead()));
        if (dumper.hiddenSamples() > 0)
        {
            err.println(String.format("left out %,d sample(s) of restricted or internal channels (--include-restricted " +
                "writes them)", dumper.hiddenSamples()));
        }
        if (result.skipped() > 0)
        {
            err.println(String.format("skipped %,d damaged entr%s, first at index %d: %s", result.skipped(),
                result.skipped() == 1 ? "y" : "ies", result.firstBadIndex(), result.firstProblem()));
            return CliErrorHandler.FAILED;
        }
        return 0;
    }

    /**
     * Says so when {@code index} is negative: it names no entry, and -1 is how the tools say "no bound" inside
     * ({@link Journal#NO_INDEX}), so {@code --to -1} dumped the whole journal.
     */
    private void requireIndex(final String option, final Long index)
    {
        if (index != null && index < 0)
        {
            throw CliErrorHandler.usageError(spec, "pitgun journal dump: " + option + ": expected a journal index " +
                "(0 or more, as dump prints it in \"index\"), got " + index);
        }
    }

    /**
     * Lets the dumper's UTF-8 bytes go to picocli's writer (which tests capture). Text is decoded only up to the
     * last newline, which never splits a UTF-8 sequence.
     */
    private static final class WriterOutputStream extends OutputStream
    {
        private final PrintWriter out;
        private byte[] pending = new byte[64 * 1024];
        private int length;

        WriterOutputStream(final PrintWriter out)
        {
            this.out = out;
        }

        @Override
        public void write(final int b)
        {
            write(new byte[] {(byte)b}, 0, 1);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int count)
        {
            if (length + count > pending.length)
            {
                drainLines();
                if (length + count > pending.length)
                {
                    pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, length + count));
                }
            }
            System.arraycopy(bytes, offset, pending, length, count);
            length += count;
        }

        @Override
        public void flush()
        {
            out.write(new String(pending, 0, length, StandardCharsets.UTF_8));
            length = 0;
            out.flush();
        }

        private void drainLines()
        {
            int end = length;
            while (end > 0 && pending[end - 1] != '\n')
            {
                end--;
            }
            out.write(new String(pending, 0, end, StandardCharsets.UTF_8));
            System.arraycopy(pending, end, pending, 0, length - end);
            length -= end;
        }
    }
}
