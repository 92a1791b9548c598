package io.pitgun.cli;

import io.pitgun.codecs.dictionary.DictionaryException;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodeError;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.PipelineManifest;
import io.pitgun.schemas.ContractDetector;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import io.pitgun.schemas.TextLocation;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code pitgun validate FILE...}: checks documents against the public contracts. The contract is the one a
 * document claims ({@code schema_version}/{@code version}) unless {@code --schema} names it. Envelopes are also
 * checked against the dictionary, and dictionaries for what a schema cannot express. Every problem is printed as
 * {@code file:line:column: pointer: reason} with the offending line and a caret.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Validate JSON/YAML documents against Pitgun's public contracts.",
    exitCodeList = {"0:every document is valid",
        "1:a document is invalid or cannot be read (each problem is printed with its location)"})
final class ValidateCommand implements Callable<Integer>
{
    private static final SchemaId ENVELOPE = SchemaId.parse("pitgun-envelope/v1");
    private static final SchemaId DICTIONARY = SchemaId.parse("metrics-dictionary/v1");
    private static final SchemaId MANIFEST = SchemaId.parse("pipeline-manifest/v1");

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Documents to validate (.json, .yaml, .yml).")
    List<Path> files;

    @Option(names = "--schema", paramLabel = "NAME/VERSION",
        description = "Validate against this contract instead of the one the document claims, e.g. pitgun-envelope/v1.")
    String schema;

    @Option(names = "--dictionary", paramLabel = "FILE",
        description = "Dictionary for envelope channel checks (default: the shipped sim.v1).")
    Path dictionary;

    @Option(names = "--allow-restricted", description = "Accept restricted channels in envelopes.")
    boolean allowRestricted;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final SchemaCatalog catalog = SchemaCatalog.standard();
        final SchemaId forced;
        try
        {
            forced = schema == null ? null : SchemaId.parse(schema);
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun validate: --schema: " + ex.getMessage());
        }
        if (forced != null && !catalog.contains(forced))
        {
            throw CliErrorHandler.usageError(spec, "pitgun validate: unknown schema " + forced + " (known: " +
                catalog.ids() + ")");
        }
        int invalid = 0;
        for (final Path file : files)
        {
            if (!validate(file, forced, catalog, out, err))
            {
                invalid++;
            }
        }
        if (files.size() > 1)
        {
            out.println((files.size() - invalid) + " valid, " + invalid + " invalid");
        }
        return invalid == 0 ? 0 : CliErrorHandler.FAILED;
    }

    private boolean validate(
        final Path file, final SchemaId forced, final SchemaCatalog catalog, final PrintWriter out, final PrintWriter err)
    {
        final ParsedDocument document;
        try
        {
            document = DocumentReader.read(file);
        }
        catch (final DocumentException ex)
        {
            err.println(ex.getMessage());
            return false;
        }
        final Optional<SchemaId> claimed = forced != null ? Optional.of(forced) : ContractDetector.detect(document.root());
        if (claimed.isEmpty() || !catalog.contains(claimed.get()))
        {
            final String reason = claimed.isEmpty() ?
                ContractDetector.explain(document.root()) :
                "the document claims " + claimed.get() + ", which is not a known contract (known: " + catalog.ids() + ")";
            reportAtMarker(document, reason + " (or name one with --schema NAME/VERSION)", err);
            return false;
        }
        final SchemaId id = claimed.get();
        final List<SchemaProblem> problems = catalog.validate(id, document.root());
        for (final SchemaProblem problem : problems)
        {
            final TextLocation location = document.locateNearest(problem.pointer());
            err.println(file + ":" + location + ": " +
                (problem.pointer().isEmpty() ? "(document)" : OneLine.of(problem.pointer())) + ": " +
                OneLine.of(problem.message()));
            err.println(indent(document.excerpt(location)));
        }
        if (!problems.isEmpty())
        {
            // A dictionary's schema problems do not hide the checks a schema cannot make (as dictionary check).
            final int total = problems.size() + (id.equals(DICTIONARY) ? dictionaryProblemsBeyondSchema(document, err) : 0);
            err.println(file + ": INVALID " + id + " (" + total + " problem" + (total == 1 ? "" : "s") + ")");
            return false;
        }
        if (id.equals(ENVELOPE) && !envelopeMatchesDictionary(document, err))
        {
            return false;
        }
        if (id.equals(DICTIONARY) && !dictionaryIsConsistent(document, err))
        {
            return false;
        }
        if (id.equals(MANIFEST) && !manifestCompiles(document, err))
        {
            return false;
        }
        out.println(file + ": valid " + id);
        return true;
    }

    // A wrong contract marker is a problem at the marker: point there, so the user sees which field to fix.
    private static void reportAtMarker(final ParsedDocument document, final String reason, final PrintWriter err)
    {
        final String pointer = document.root().has("schema_version") ? "/schema_version" :
            document.root().has("version") ? "/version" : "";
        final TextLocation location = document.locateNearest(pointer);
        err.println(document.path() + ":" + location + ": " + (pointer.isEmpty() ? "(document)" : pointer) + ": " + reason);
        err.println(indent(document.excerpt(location)));
    }

    private boolean envelopeMatchesDictionary(final ParsedDocument document, final PrintWriter err)
    {
        final ParameterRegistry registry = dictionary == null ? ParameterRegistry.simV1() : ParameterRegistry.load(dictionary);
        final EnvelopeDecoder decoder = new EnvelopeDecoder(registry).allowRestricted(allowRestricted);
        final byte[] bytes = document.text().getBytes(StandardCharsets.UTF_8);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(EnvelopeDecoder.maxOutputBytes(DecoderLimits.DEFAULTS));
        if (decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length, out, 0))
        {
            return true;
        }
        final DecodeError error = decoder.error();
        final TextLocation location = lineAndColumn(document.text(), bytes, error.byteOffset());
        err.println(document.path() + ":" + location + ": " + (error.pointer().isEmpty() ? "(document)" : error.pointer()) +
            ": " + error.message() + " [" + error.code() + "]");
        err.println(indent(document.excerpt(location)));
        err.println(document.path() + ": INVALID against dictionary " + registry.name());
        return false;
    }

    // A manifest is valid when it would run: the same semantic checks (dictionary, channels, types, stage order)
    // and the same report as `manifest check` and `manifest sign`.
    private boolean manifestCompiles(final ParsedDocument document, final PrintWriter err)
    {
        final Path file = document.path();
        try
        {
            ManifestCommand.check(file, document.text(), dictionary);
            return true;
        }
        catch (final ManifestException ex)
        {
            err.println(ex.getMessage());
            err.println(file + ": INVALID " + MANIFEST + " (it does not compile against dictionary " +
                (dictionary == null ? PipelineManifest.DEFAULT_DICTIONARY : dictionary) + ")");
            return false;
        }
    }

    private static boolean dictionaryIsConsistent(final ParsedDocument document, final PrintWriter err)
    {
        try
        {
            ParameterRegistry.fromDocument(document);
            return true;
        }
        catch (final DictionaryException ex)
        {
            DictionaryCommand.report(document.path(), document.text(), ex.problems(), err);
            err.println(document.path() + ": INVALID dictionary (" + ex.problems().size() + " problem" +
                (ex.problems().size() == 1 ? "" : "s") + ")");
            return false;
        }
    }

    /** Reports the problems of a schema-invalid dictionary the schema does not find; returns how many. */
    private static int dictionaryProblemsBeyondSchema(final ParsedDocument document, final PrintWriter err)
    {
        try
        {
            ParameterRegistry.fromDocument(document);
            return 0;
        }
        catch (final DictionaryException ex)
        {
            DictionaryCommand.report(document.path(), document.text(), ex.beyondSchema(), err);
            return ex.beyondSchema().size();
        }
    }

    // The decoder reports byte offsets; people read lines and columns (counted in characters).
    private static TextLocation lineAndColumn(final String text, final byte[] bytes, final int byteOffset)
    {
        final String before = new String(bytes, 0, Math.min(byteOffset, bytes.length), StandardCharsets.UTF_8);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < before.length(); i++)
        {
            if (before.charAt(i) == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new TextLocation(line, before.length() - lineStart + 1);
    }

    private static String indent(final String excerpt)
    {
        return "    " + excerpt.replace("\n", "\n    ");
    }
}
