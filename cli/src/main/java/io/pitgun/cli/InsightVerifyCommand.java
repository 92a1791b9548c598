package io.pitgun.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.engine.DictionaryDigest;
import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.TelemetryPipelineBuilder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryHandler;
import io.pitgun.journal.JournalTailer;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code pitgun insight verify INSIGHT.json --journal DIR --manifest M}: proves that an insight is what manifest M
 * derives from the journal, byte for byte, or says exactly what differs. It checks the manifest (its SHA-256 against
 * the insight's {@code manifest_sha256}, its signature with {@code --trust}), the dictionary (against
 * {@code dictionary_sha256}) and the journal (it must reach the insight's last index), then replays the journal from
 * its first entry (a lap's figures may depend on state from earlier frames, e.g. an {@code ema}; the replay starts
 * afresh where the journal records a restart, as the restarted pipeline did) and compares the insight with the same
 * {@code insight_id} the replay derives.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {"Prove that an insight is byte-identical to what the manifest derives from the journal it names, " +
        "or print exactly what differs. The journal is replayed from its start; one that cannot be read whole (a " +
        "cycle file deleted from its middle, a damaged entry) proves nothing, and is named."},
    exitCodeList = {"0:proved: the insight is byte-identical",
        "1:not proved: what differs is printed, or the journal cannot be read whole, or a file cannot be read"})
final class InsightVerifyCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A difference that is one channel's whole summary, present on one side only. */
    private static final Pattern WHOLE_CHANNEL =
        Pattern.compile("/channels/[^/]+: (\\(absent\\) vs .*|.* vs \\(absent\\))");

    @Parameters(index = "0", paramLabel = "INSIGHT", description = "The insight (one insight-contract/v1 JSON " +
        "document, e.g. a line of a derived output file, or a gateway subscriber's {\"type\":\"insight\",...} " +
        "message).")
    Path insightFile;

    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "The journal the insight names.")
    Path journalDirectory;

    @Option(names = "--manifest", required = true, paramLabel = "M", description = "The manifest that derived it.")
    Path manifest;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the manifest refers to (default: the shipped sim.v1).")
    Path dictionary;

    @Option(names = "--config", paramLabel = "C", description = "Pipeline configuration YAML of the live run " +
        "(merging, max_frame_bytes, ...); its journal, ack_mode and output keys are ignored.")
    Path config;

    @Option(names = "--trust", split = ",", paramLabel = "PUB", description = "Trusted public key files: the " +
        "manifest must carry a valid signature by one of them (needed when the insight names a signer_key_id).")
    List<Path> trust;

    @Option(names = "--include-restricted",
        description = "Replay with restricted and internal channels in the insights, as output.include_restricted: true " +
            "writes them (default: left out, as the default output file and a subscriber without read_restricted " +
            "have them).")
    boolean includeRestricted;

    @Option(names = "--read-restricted",
        description = "Compare with the insight as a gateway subscriber whose token has read_restricted receives it: " +
            "restricted channels in, internal ones (and channels derived from them) out.")
    boolean readRestricted;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Why the replay from the journal's start did not take all of it, or null: damage (a gap, a damaged entry) or
     * messages larger than the replay's slots.
     */
    private String journalUnread;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (readRestricted && includeRestricted)
        {
            throw CliErrorHandler.usageError(spec, "--read-restricted and --include-restricted name different " +
                "readers: give one");
        }
        final String insightText = unwrapSubscriberMessage(Files.readString(insightFile, StandardCharsets.UTF_8).strip());
        final JsonNode insight;
        try
        {
            insight = JSON.readTree(insightText);
        }
        catch (final JsonProcessingException ex)
        {
            // Jackson's own message names no file and runs over two lines (its location).
            err.println(insightFile + ": not valid JSON: " + OneLine.of(ex.getOriginalMessage()));
            return CliErrorHandler.FAILED;
        }
        if (insight == null || !insight.path("schema_version").asText().equals("insight-contract/v1"))
        {
            err.println(insightFile + ": not an insight-contract/v1 document");
            return CliErrorHandler.FAILED;
        }
        final String insightId = insight.path("insight_id").asText();
        final JsonNode provenance = insight.path("provenance");

        final CompiledManifest compiled;
        final VerifiedDocument source;
        try
        {
            final String signer = provenance.path("signer_key_id").asText(null);
            if (signer != null && trust == null)
            {
                err.println(insightFile + ": the insight names signer key " + signer +
                    "; give --trust with that key's public file to verify the manifest's signature");
                return CliErrorHandler.FAILED;
            }
            source = trust == null ? VerifiedDocument.unchecked(manifest, Files.readAllBytes(manifest)) :
                new SignatureVerifier(TrustedKeys.load(trust)).read(manifest);
            compiled = ManifestCommand.compile(source, dictionary);
        }
        catch (final ManifestException | SignatureRefusedException ex)
        {
            err.println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final List<String> differences = new ArrayList<>();
        final String expectedManifest = provenance.path("manifest_sha256").asText();
        final String manifestSha256 = source.sha256();
        if (!manifestSha256.equals(expectedManifest))
        {
            differences.add("manifest differs: the insight was derived by manifest sha256 " + expectedManifest +
                ", " + manifest + " has " + manifestSha256);
        }
        final String expectedDictionary = provenance.path("dictionary_sha256").asText(null);
        final String dictionarySha256 = DictionaryDigest.sha256Hex(compiled.registry());
        if (expectedDictionary != null && !expectedDictionary.equals(dictionarySha256))
        {
            differences.add("dictionary differs: the insight names dictionary sha256 " + expectedDictionary + ", " +
                compiled.registry().name() + " here has " + dictionarySha256);
        }
        if (!differences.isEmpty())
        {
            differences.forEach(line -> err.println(insightFile + ": " + line));
            return CliErrorHandler.FAILED;
        }

        final long lastIndex = provenance.path("journal_range").path("last_index").asLong(-1);
        final Path output = Files.createTempFile("pitgun-insight-verify", ".jsonl");
        try
        {
            final PipelineConfig base =
                config == null ? PipelineConfig.defaults() : PipelineConfig.fromYamlForReplay(config);
            final String insightReplayed;
            try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
            {
                JournalCommand.noteMissingFiles(journal, journalDirectory, err);
                if (journal.lastIndex() < lastIndex)
                {
                    err.println(insightFile + ": journal range differs: the insight reaches index " + lastIndex +
                        ", " + journalDirectory + " ends at " + journal.lastIndex());
                    return CliErrorHandler.FAILED;
                }
                final String replayed = replay(journal, compiled, source, base, output, Journal.NO_INDEX,
                    Journal.NO_INDEX, insightId);
                if (replayed == null || !replayed.equals(insightText))
                {
                    // A gateway restarted before the insight's frames started its pipeline again, with fresh state,
                    // where its ManifestLoaded entry is: what it derived is what a replay from there derives.
                    final long firstIndex = provenance.path("journal_range").path("first_index").asLong(-1);
                    final PipelineRun run = pipelineRun(journal, firstIndex, manifestSha256);
                    final String how = run == null ? null :
                        provedByRun(journal, compiled, source, base, output, insightId, insightText, run);
                    if (how != null)
                    {
                        if (journalUnread != null)
                        {
                            err.println(notProved());
                            err.println(insightFile + ": " + how + ", the replay derives it byte for byte");
                            return CliErrorHandler.FAILED;
                        }
                        out.println(insightFile + ": OK: byte-identical to what " + manifest + " (sha256 " +
                            manifestSha256 + (source.signerKeyId().isPresent() ? ", signed by " +
                            source.signerOrUnsigned() : "") + ") derives from " + journalDirectory +
                            " (indexes " + firstIndex + " .. " + lastIndex + ") " + how);
                        out.flush();
                        return 0;
                    }
                }
                if (journalUnread != null)
                {
                    err.println(notProved());
                }
                if (replayed == null)
                {
                    err.println(insightFile + ": journal range differs: replaying " + journalDirectory + " through " +
                        manifest + " derives no insight " + insightId);
                    return CliErrorHandler.FAILED;
                }
                insightReplayed = replayed;
            }
            catch (final ManifestException ex)
            {
                err.println(ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            final String replayed = insightReplayed;
            if (replayed.equals(insightText) && journalUnread != null)
            {
                err.println(insightFile + ": the replay of the entries read derives it byte for byte");
                return CliErrorHandler.FAILED;
            }
            if (replayed.equals(insightText))
            {
                out.println(insightFile + ": OK: byte-identical to what " + manifest + " (sha256 " + manifestSha256 +
                    (source.signerKeyId().isPresent() ? ", signed by " + source.signerOrUnsigned() : "") +
                    ") derives from " + journalDirectory + " (indexes " +
                    provenance.path("journal_range").path("first_index").asLong() + " .. " + lastIndex + ")");
                out.flush();
                return 0;
            }
            differences(JSON.readTree(insightText), JSON.readTree(replayed), "", differences);
            if (differences.isEmpty())
            {
                differences.add("same content, other bytes (formatting): the replay writes " + replayed);
            }
            err.println(insightFile + ": differs from what the replay derives (insight vs replay):");
            differences.forEach(line -> err.println("  " + line));
            if (differences.stream().allMatch(line -> WHOLE_CHANNEL.matcher(line).matches()))
            {
                err.println("  (only whole channels differ: the insight may have been redacted for another reader; " +
                    "none of the options: the default output file or a subscriber without read_restricted, " +
                    "--read-restricted: a subscriber with it, --include-restricted: output.include_restricted: true)");
            }
            return CliErrorHandler.FAILED;
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    /** Says that the replay did not take the whole journal ({@link #journalUnread}), so nothing is proved from it. */
    private String notProved()
    {
        return insightFile + ": not proved: " + journalDirectory + ": " + journalUnread + "; the replay derives only " +
            "what the messages it took do";
    }

    /** Why {@code replayed} did not take the whole journal, labelled as {@code pitgun journal replay} does, or null. */
    private String unread(final JournalReplayer.Replayed replayed)
    {
        final String damage = replayed.damaged() ? "DAMAGED: " + replayed.damage() + " (pitgun journal verify " +
            journalDirectory + " says where)" : null;
        final String overSlots = replayed.notReplayed() == null ? null : "NOT REPLAYED: " + replayed.notReplayed() +
            " (" + JournalReplayCommand.LARGER_SLOTS + ")";
        return damage == null ? overSlots : overSlots == null ? damage : damage + "; " + overSlots;
    }

    /**
     * A gateway writes no file of derived output: its insights reach people as subscriber messages,
     * {@code {"type":"insight","insight":{...}}}. Such a message stands for the insight it carries, and its exact
     * bytes are what is proved (the gateway encodes the insight as the output file does). Anything else is returned
     * as it is.
     */
    static String unwrapSubscriberMessage(final String text) throws IOException
    {
        try (JsonParser parser = JSON.getFactory().createParser(text))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                return text;
            }
            String type = null;
            int start = -1;
            int end = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if ("type".equals(name) && value == JsonToken.VALUE_STRING)
                {
                    type = parser.getText();
                }
                else if ("insight".equals(name) && value == JsonToken.START_OBJECT)
                {
                    start = (int)parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    end = (int)parser.currentLocation().getCharOffset();
                }
                else
                {
                    parser.skipChildren();
                }
            }
            return "insight".equals(type) && start >= 0 ? text.substring(start, end) : text;
        }
        catch (final JsonProcessingException ex)
        {
            return text;
        }
    }

    // What a subscriber with read_restricted receives of a full insight: the gateway's own redaction (SubscriberAudience).
    private static String forReadRestricted(final CompiledManifest manifest, final String insight)
    {
        if (insight == null)
        {
            return null;
        }
        final InsightRedactor redactor = new InsightRedactor(manifest, ChannelAccess.of(manifest),
            EnumSet.of(AccessLevel.PUBLIC, AccessLevel.RESTRICTED));
        if (redactor.passesAll())
        {
            return insight;
        }
        final byte[] bytes = insight.getBytes(StandardCharsets.UTF_8);
        return new String(redactor.redact(new UnsafeBuffer(bytes), 0, bytes.length), StandardCharsets.UTF_8);
    }

    /**
     * How a replay of the live pipeline's {@code run} alone derives {@code insightText}, in words for the OK line, or
     * null when none does: up to the next start, then drained. A gateway stopped gracefully drains its open laps and
     * sessions into summaries (its run registry gets them); the replay from the journal's start drains there too
     * where the journal records it ({@code PipelineDrained}), but a journal written before that entry existed does
     * not, and there only this replay derives such a summary. (The replay from the start already starts afresh at
     * each {@code ManifestLoaded}, so a replay from the run's start to the journal's end derives nothing else.)
     */
    private String provedByRun(final Journal journal, final CompiledManifest compiled, final VerifiedDocument source,
        final PipelineConfig base, final Path output, final String insightId, final String insightText,
        final PipelineRun run) throws ManifestException, IOException
    {
        final String from = "replayed from index " + run.start() + ", where the journal records the pipeline's " +
            "start (ManifestLoaded) before them";
        if (run.next() != Journal.NO_INDEX &&
            insightText.equals(replay(journal, compiled, source, base, output, run.start(), run.next(), insightId)))
        {
            return from + ", up to index " + run.next() + ", where it records the next start: as the pipeline " +
                "stopped then derived it";
        }
        return null;
    }

    // The insight insightId as the manifest derives it from the journal: from its first message, or from `from`
    // up to `to` (not included; NO_INDEX: to the end), then drained as a pipeline's close drains it.
    private String replay(final Journal journal, final CompiledManifest compiled, final VerifiedDocument source,
        final PipelineConfig base, final Path output, final long from, final long to, final String insightId)
        throws ManifestException, IOException
    {
        final TelemetryPipelineBuilder builder = TelemetryPipeline.builder().name("verify")
            .dictionary(compiled.registry()).config(JournalReplayer.replayConfig(base, output,
                includeRestricted || readRestricted));
        builder.manifest(compiled, source);
        final TelemetryPipeline pipeline = builder.build();
        try
        {
            if (from == Journal.NO_INDEX)
            {
                // Checked: a gap or damage read across would otherwise show only as an insight that differs.
                // The pipeline that derived the insight ran the manifest's dictionary only, so a part of the journal
                // written with another (a restart with another --dictionary) is none of its input.
                journalUnread = unread(JournalReplayer.replayChecked(journal, pipeline, null, false, true));
            }
            else
            {
                JournalReplayer.replayRange(journal, pipeline, from, to, true);
            }
        }
        finally
        {
            pipeline.close();
        }
        final String found = findInsight(output, insightId);
        return readRestricted ? forReadRestricted(compiled, found) : found;
    }

    /**
     * One run of a live pipeline: its {@code ManifestLoaded} ({@code start}) and the next one ({@code next}, its
     * restart), or {@link Journal#NO_INDEX}.
     */
    private record PipelineRun(long start, long next)
    {
    }

    /**
     * The run of the live pipeline that read the message at {@code position}: from the last ManifestLoaded at or
     * before it, or null when there is none or it records another manifest than {@code manifestSha256} (that start
     * did not run the manifest being proved).
     */
    private static PipelineRun pipelineRun(final Journal journal, final long position, final String manifestSha256)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ManifestLoadedDecoder loaded = new ManifestLoadedDecoder();
        final byte[] digest = new byte[ManifestLoadedDecoder.manifestDigestLength()];
        final long[] found = {Journal.NO_INDEX};
        final long[] next = {Journal.NO_INDEX};
        final String[] foundDigest = {null};
        try (JournalTailer tailer = journal.tailer())
        {
            final JournalEntryHandler handler = (index, buffer, offset, length, ingestTimeNs) ->
            {
                if (length < MessageHeaderDecoder.ENCODED_LENGTH ||
                    header.wrap(buffer, offset).templateId() != ManifestLoadedDecoder.TEMPLATE_ID)
                {
                    return;
                }
                if (index > position)
                {
                    next[0] = index;
                    return;
                }
                found[0] = index;
                loaded.wrapAndApplyHeader(buffer, offset, header);
                for (int i = 0; i < digest.length; i++)
                {
                    digest[i] = (byte)loaded.manifestDigest(i);
                }
                foundDigest[0] = HexFormat.of().formatHex(digest);
            };
            while (next[0] == Journal.NO_INDEX && tailer.readNext(handler))
            {
                // one entry per call
            }
        }
        // Only a start that ran this very manifest can have derived the insight from there.
        return found[0] == Journal.NO_INDEX || !manifestSha256.equals(foundDigest[0]) ? null :
            new PipelineRun(found[0], next[0]);
    }

    private static String findInsight(final Path output, final String insightId) throws IOException
    {
        final String needle = "\"insight_id\":\"" + insightId + "\"";
        for (final String line : Files.readAllLines(output, StandardCharsets.UTF_8))
        {
            if (line.contains(needle))
            {
                return line.strip();
            }
        }
        return null;
    }

    // Every JSON pointer whose value differs, with both values.
    private static void differences(final JsonNode a, final JsonNode b, final String pointer, final List<String> out)
    {
        if (a.isObject() && b.isObject())
        {
            final TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (final String name : names)
            {
                final String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!a.has(name) || !b.has(name))
                {
                    out.add(child + ": " + (a.has(name) ? a.get(name) : "(absent)") + " vs " +
                        (b.has(name) ? b.get(name) : "(absent)"));
                }
                else
                {
                    differences(a.get(name), b.get(name), child, out);
                }
            }
        }
        else if (a.isArray() && b.isArray() && a.size() == b.size())
        {
            for (int i = 0; i < a.size(); i++)
            {
                differences(a.get(i), b.get(i), pointer + "/" + i, out);
            }
        }
        else if (!a.equals(b))
        {
            out.add((pointer.isEmpty() ? "/" : pointer) + ": " + a + " vs " + b);
        }
    }
}
