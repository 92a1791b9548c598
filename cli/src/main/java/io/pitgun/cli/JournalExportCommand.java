package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalException;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import io.pitgun.storage.ExportFormat;
import io.pitgun.storage.ExportSelection;
import io.pitgun.storage.ExportSummary;
import io.pitgun.storage.FileRotation;
import io.pitgun.storage.JournalExporter;
import io.pitgun.storage.ProvenanceKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code pitgun journal export DIR --out OUT}: the journal as Parquet or CSV files, partitioned by session and hour. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
        "Export a journal as Parquet (or CSV) files: one row per frame, one typed column per dictionary channel, in " +
            "OUT/runs/<session>/<hour>.parquet; with --manifest also the derived frames in OUT/derived/<session>/.",
        "Each Parquet footer carries the provenance (version, build commit, session, dictionary and manifest " +
            "digests, journal index range, export time). See docs/storage.md."},
    exitCodeList = {"0:every frame was exported",
        "1:the journal is damaged (the frames read are exported) or cannot be opened, or OUT cannot be written"})
final class JournalExportCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path directory;

    @Option(names = "--out", required = true, paramLabel = "OUT",
        description = "Output directory (files already there are never overwritten).")
    Path out;

    @Option(names = "--format", paramLabel = "parquet|csv", defaultValue = "parquet",
        description = "File format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--manifest", paramLabel = "M",
        description = "Also run this pipeline manifest over the exported messages and export its derived frames.")
    Path manifest;

    @Option(names = "--config", paramLabel = "C",
        description = "With --manifest: pipeline configuration YAML of the run (max_sources, merging, " +
            "max_frame_bytes, ...), as journal replay takes it; its journal, ack_mode and output keys are ignored.")
    Path config;

    @Option(names = "--dictionary", paramLabel = "FILE",
        description = "Dictionary naming and typing the channels and saying which are restricted: the one the " +
            "journal was written with (default: the shipped dictionary its ManifestLoaded entries name, however far " +
            "in the first is when the oldest cycle files were deleted; sim.v1 if they name none, saying so on " +
            "stderr). Another is refused: one of another name or, where the journal records it, of another meaning " +
            "(edited under the same name).")
    Path dictionary;

    @Option(names = "--from", paramLabel = "INDEX|TIME",
        description = "First journal index (as dump prints it), or earliest frame time (ISO-8601, e.g. " +
            "2026-12-03T14:00:00Z).")
    String from;

    @Option(names = "--to", paramLabel = "INDEX|TIME", description = "Last journal index, or latest frame time.")
    String to;

    @Option(names = "--session", paramLabel = "UUID", description = "Only frames of this session.")
    String session;

    @Option(names = "--include-restricted",
        description = "Also export restricted and internal channels, and derived channels that read them (left out by default).")
    boolean includeRestricted;

    @Option(names = "--max-file-bytes", paramLabel = "BYTES",
        description = "Start a new file once one holds this many bytes (default: 268435456, 256 MiB).")
    long maxFileBytes = FileRotation.DEFAULT_MAX_FILE_BYTES;

    @Option(names = "--max-file-rows", paramLabel = "ROWS",
        description = "Start a new file once one holds this many rows (default: 0, no limit). A file never spans " +
            "two UTC hours.")
    long maxFileRows = FileRotation.DEFAULT_MAX_FILE_ROWS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter err = spec.commandLine().getErr();
        final ExportFormat exportFormat;
        switch (format.toLowerCase(Locale.ROOT))
        {
            case "parquet":
                exportFormat = ExportFormat.PARQUET;
                break;
            case "csv":
                exportFormat = ExportFormat.CSV;
                break;
            default:
                throw CliErrorHandler.usageError(spec, "pitgun journal export: --format: expected parquet or csv, " +
                    "got '" + format + "'");
        }
        final ExportSelection selection;
        final FileRotation rotation;
        try
        {
            final UUID sessionId = session == null ? null : parseSession(session);
            final long[] lower = bound("--from", from, Journal.NO_INDEX, Long.MIN_VALUE);
            final long[] upper = bound("--to", to, Journal.NO_INDEX, Long.MAX_VALUE);
            // Both ends are included, so equal ends select something; reversed ones nothing, which is a mistake to
            // say, not an empty export to write. An index and a time do not compare.
            if (from != null && to != null && (lower[0] != Journal.NO_INDEX && upper[0] != Journal.NO_INDEX ?
                lower[0] > upper[0] : lower[1] > upper[1]))
            {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to + ": nothing would " +
                    "be exported");
            }
            selection = new ExportSelection(lower[0], upper[0], lower[1], upper[1], sessionId);
            rotation = new FileRotation(maxFileBytes, maxFileRows);
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun journal export: " + ex.getMessage());
        }
        if (config != null && manifest == null)
        {
            throw CliErrorHandler.usageError(spec, "pitgun journal export: --config sets the pipeline of --manifest: " +
                "give both, or neither");
        }
        final CompiledManifest compiled;
        final ParameterRegistry registry;
        try
        {
            compiled = manifest == null ? null : ManifestCommand.compile(manifest, dictionary);
            // As journal dump: the dictionary the journal was written with (its access levels decide what is left out).
            if (compiled != null)
            {
                registry = compiled.registry();
                JournalCommand.requireDictionaryOf(directory, registry, "the dictionary of --manifest " + manifest);
            }
            else
            {
                registry = JournalCommand.dictionaryOf(directory, dictionary, err, Journal.NO_INDEX, Journal.NO_INDEX);
            }
        }
        catch (final ManifestException ex)
        {
            err.println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final Map<String, String> provenance =
            Map.of(ProvenanceKeys.VERSION, PitgunVersion.version(), ProvenanceKeys.BUILD_COMMIT, PitgunVersion.commit());
        final JournalExporter exporter = new JournalExporter(registry, exportFormat, rotation, includeRestricted);
        if (config != null)
        {
            exporter.derivingConfig(PipelineConfig.fromYamlForReplay(config));
        }
        final ExportSummary summary;
        try (Journal journal = JournalCommand.openReadOnly(directory))
        {
            JournalCommand.noteMissingFiles(journal, directory, err);
            summary = exporter.export(journal, selection, compiled, out, provenance,
                JournalCommand.progress(spec, "export"));
        }
        catch (final JournalException | ManifestException | IllegalStateException | IllegalArgumentException ex)
        {
            err.println("pitgun journal export: " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        catch (final IOException ex)
        {
            err.println("pitgun journal export: cannot write " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final PrintWriter stdout = spec.commandLine().getOut();
        final double seconds = summary.elapsedNs() / 1e9;
        stdout.printf(Locale.ROOT, "exported %s (%s read) into %s under %s%n", counted(summary.frameRows(), "frame"),
            counted(summary.messagesRead(), "message"), counted(summary.files().size(), "file"),
            out.resolve(JournalExporter.RUNS_DIRECTORY));
        if (summary.samplesOutOfType() > 0)
        {
            stdout.printf(Locale.ROOT, "left out %,d sample%s outside their channel's type (empty in their row)%n",
                summary.samplesOutOfType(), summary.samplesOutOfType() == 1 ? "" : "s");
        }
        if (compiled != null)
        {
            stdout.printf(Locale.ROOT, "derived %s through %s into %s under %s%n",
                counted(summary.derivedRows(), "frame"), compiled.manifest().name(),
                counted(summary.derivedFiles().size(), "file"),
                out.resolve(JournalExporter.DERIVED_DIRECTORY));
            if (summary.derivedOutOfType() > 0)
            {
                stdout.printf(Locale.ROOT, "left out %,d derived sample%s outside their data_type (null in their row)%n",
                    summary.derivedOutOfType(), summary.derivedOutOfType() == 1 ? "" : "s");
            }
            if (summary.derivedDropped() > 0)
            {
                // Before, these frames were missing from the derived table without a word.
                stdout.printf(Locale.ROOT, "derived nothing from %s: more (session, source) streams at once than " +
                    "max_sources (%d; --config takes more)%n",
                    counted(summary.derivedDropped(), "frame"), exporter.derivingConfig().maxSources());
            }
        }
        stdout.printf(Locale.ROOT, "%,d bytes in %.2f s (%,.0f frames/s)%n", summary.totalBytes(), seconds,
            seconds > 0 ? summary.frameRows() / seconds : 0.0);
        if (summary.restrictedLeftOut() > 0)
        {
            stdout.printf(Locale.ROOT, "left out %d restricted or internal channel%s (--include-restricted exports them)%n",
                summary.restrictedLeftOut(), summary.restrictedLeftOut() == 1 ? "" : "s");
        }
        stdout.flush();
        if (summary.skipped() > 0)
        {
            err.printf(Locale.ROOT, "skipped %,d damaged entr%s, first at %s%n", summary.skipped(),
                summary.skipped() == 1 ? "y" : "ies", summary.firstProblem());
            return CliErrorHandler.FAILED;
        }
        return 0;
    }

    private static UUID parseSession(final String text)
    {
        try
        {
            return UUID.fromString(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--session: not a UUID: '" + text + "'");
        }
    }

    /** {index, timeUs} of a --from/--to value: digits are a journal index, anything else an ISO-8601 instant. */
    private static long[] bound(final String option, final String text, final long noIndex, final long noTime)
    {
        if (text == null)
        {
            return new long[] {noIndex, noTime};
        }
        final String accepted = "a journal index or an ISO-8601 time such as 2026-12-03T14:00:00Z";
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty())
        {
            try
            {
                return new long[] {Long.parseLong(text), noTime};
            }
            catch (final NumberFormatException ex)
            {
                // All digits, so the only way to fail is a number beyond a long.
                throw new IllegalArgumentException(option + ": journal index " + text + " is too large (at most " +
                    Long.MAX_VALUE + "); expected " + accepted);
            }
        }
        try
        {
            final Instant instant = Instant.parse(text);
            return new long[] {noIndex, Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                instant.getNano() / 1_000)};
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw new IllegalArgumentException(option + ": expected " + accepted + ", got '" + text + "'");
        }
    }

    /** {@code 1 frame}, {@code 1,200 frames}: a count and its noun, singular for one. */
    private static String counted(final long count, final String noun)
    {
        return String.format(Locale.ROOT, "%,d %s%s", count, noun, count == 1 ? "" : "s");
    }
}
