package io.pitgun.cli;

import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.PipelineCounters;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.TelemetryPipelineBuilder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDamagedException;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import io.pitgun.scaleout.HiveEdgeWriter;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitgun journal replay DIR --manifest M --out OUT}: pushes every journal entry, byte for byte, through a
 * pipeline running manifest M, writes the derived frames and insights to OUT as JSON lines and prints the SHA-256
 * of the derived output stream — equal to the live run's when M is the live manifest.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Replay a journal through a manifest (the live one, or another for post-mortem analysis).",
        "Writes derived frames and insights to OUT as JSON lines and prints the SHA-256 of the output stream."},
    exitCodeList = {"0:every message was replayed",
        "1:the manifest is refused, the journal is damaged or cannot be opened, a message was not replayed, or OUT " +
            "cannot be written"})
final class JournalReplayCommand implements Callable<Integer>
{
    /** What to do about messages larger than the replay's slots ({@code Replayed.notReplayed}), said by every tool. */
    static final String LARGER_SLOTS = "give --config the max_frame_bytes of the run that wrote the journal";

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path directory;

    @Option(names = "--manifest", required = true, paramLabel = "M", description = "The pipeline manifest to run.")
    Path manifest;

    @Option(names = "--out", required = true, paramLabel = "OUT",
        description = "JSON-lines output file (derived frames and insights), overwritten.")
    Path out;

    @Option(names = "--config", paramLabel = "C",
        description = "Pipeline configuration YAML (merging, max_frame_bytes, ...); its journal, ack_mode and " +
            "output keys are ignored.")
    Path config;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the manifest refers to (default: the shipped sim.v1).")
    Path dictionary;

    @Option(names = "--trust", split = ",", paramLabel = "PUB",
        description = "Trusted public key files: the manifest must carry a valid signature (M.sig) by one of them, " +
            "as the gateway's --trust requires; insights then carry its signer_key_id, as the live run's did.")
    List<Path> trust;

    @Option(names = "--edge-positions",
        description = "The journal is a hive's journal of an edge (DATA_DIR/edges/EDGE_ID/journal): name each frame " +
            "by its position in the edge's journal, which the hive keeps in each record, so the output equals " +
            "replaying the edge's own journal (docs/scale-out.md). Refused for a journal without the hive's " +
            HiveEdgeWriter.EDGE_POSITIONS_MARKER + ".")
    boolean edgePositions;

    @Option(names = "--include-restricted",
        description = "Also write restricted and internal channels (and what derives from them) to OUT (default: left " +
            "out of frames and insights, as output.include_restricted: false does; the printed digest covers all).")
    boolean includeRestricted;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws ManifestException
    {
        final PrintWriter err = spec.commandLine().getErr();
        if (edgePositions && !HiveEdgeWriter.holdsEdgePositions(directory))
        {
            // Any other journal's ingest times would be read as positions: wrong frame names, and exit 0.
            err.println(directory + ": not a hive's journal of an edge (it has no " +
                HiveEdgeWriter.EDGE_POSITIONS_MARKER + ", which the hive writes); --edge-positions reads only those");
            return CliErrorHandler.FAILED;
        }
        final CompiledManifest compiled;
        final VerifiedDocument source;
        try
        {
            source = trust == null ? null : new SignatureVerifier(TrustedKeys.load(trust)).read(manifest);
            compiled = source == null ? ManifestCommand.compile(manifest, dictionary) :
                ManifestCommand.compile(source, dictionary);
        }
        catch (final ManifestException | SignatureRefusedException ex)
        {
            err.println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final PipelineConfig base =
            config == null ? PipelineConfig.defaults() : PipelineConfig.fromYamlForReplay(config);
        final PipelineConfig replayConfig = JournalReplayer.replayConfig(base, out, includeRestricted);
        final boolean terminal = System.console() != null;
        final long started = System.nanoTime();
        final JournalReplayer.Replayed replayed;
        final TelemetryPipeline pipeline;
        try (Journal journal = Journal.open(JournalConfig.readOnly(directory)))
        {
            JournalCommand.noteMissingFiles(journal, directory, err);
            final long total = progressTotal(journal);
            final TelemetryPipelineBuilder builder = TelemetryPipeline.builder();
            if (source != null)
            {
                builder.manifest(compiled, source); // its signer goes into the insights' provenance
            }
            else
            {
                builder.manifest(compiled);
            }
            pipeline = builder.name("replay").dictionary(compiled.registry()).config(replayConfig).build();
            try
            {
                // A part written with another dictionary (a gateway restarted with another --dictionary) is passed
                // over and reported: stopping there left the parts after it (that restart's run) unreplayable. Not
                // in a hive's journal of an edge, whose derived output stops there: the replay stays its equal.
                replayed = JournalReplayer.replayChecked(journal, pipeline,
                    terminal ? n -> progress(err, n, total) : null, edgePositions, !edgePositions);
            }
            finally
            {
                pipeline.close();
            }
        }
        if (terminal)
        {
            err.print("\r\033[K");
            err.flush();
        }
        final PipelineCounters counters = pipeline.counters();
        final double seconds = (System.nanoTime() - started) / 1e9;
        final PrintWriter outWriter = spec.commandLine().getOut();
        outWriter.printf("replayed %d entries from %s through %s in %.2f s%n", replayed.messages(), directory,
            compiled.manifest().name(), seconds);
        outWriter.printf("frames processed %d, filtered %d, derived frames %d, insights %d, dropped %d%n",
            counters.get(PipelineCounter.FRAMES_PROCESSED), counters.get(PipelineCounter.FRAMES_FILTERED),
            counters.get(PipelineCounter.DERIVED_FRAMES), counters.get(PipelineCounter.INSIGHTS), counters.dropped());
        final long outOfType = counters.get(PipelineCounter.DERIVED_SAMPLES_OUT_OF_TYPE);
        if (outOfType > 0)
        {
            outWriter.printf("derived samples left out, outside their data_type: %d%n", outOfType);
        }
        outWriter.println("output: " + out);
        outWriter.println("output sha256: " + pipeline.outputDigest().orElse("-"));
        outWriter.flush();
        if (replayed.damaged())
        {
            // The output and its digest are of what could be read, not of the journal.
            err.println(directory + ": DAMAGED: " + replayed.damage() + "; the output covers the entries read " +
                "(see pitgun journal verify)");
        }
        if (replayed.notReplayed() != null)
        {
            // Before, reported as DAMAGED: the journal holds these whole, a larger max_frame_bytes replays them.
            err.println(directory + ": NOT REPLAYED: " + replayed.notReplayed() + "; the output covers the other " +
                "messages (" + LARGER_SLOTS + ")");
        }
        if (replayed.otherDictionary() != null)
        {
            err.println(directory + ": NOT REPLAYED: " + replayed.otherDictionary() + "; the output covers the " +
                "parts of the journal written with " + compiled.registry().name() + " (replay the others with a " +
                "manifest of their dictionary)");
        }
        if (replayed.damaged() || replayed.notReplayed() != null || replayed.otherDictionary() != null)
        {
            return CliErrorHandler.FAILED;
        }
        return pipeline.firstError().isPresent() ? CliErrorHandler.FAILED : 0;
    }

    /**
     * The entries the progress bar counts to, at least 1. Damage is the replay's to report: a missing last cycle file
     * (Chronicle's last index would look for it) or one cut short (the search for the last index faults) gives 1.
     */
    private static long progressTotal(final Journal journal)
    {
        if (journal.missingLastCycleFile() != null)
        {
            return 1;
        }
        try
        {
            return Math.max(1, journal.countEntries(journal.firstIndex(), journal.lastIndex()));
        }
        catch (final JournalDamagedException ex)
        {
            return 1;
        }
    }

    private static void progress(final PrintWriter err, final long done, final long total)
    {
        final int width = 30;
        final int filled = (int)Math.min(width, done * width / total);
        err.print("\rreplaying [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        err.flush();
    }
}
