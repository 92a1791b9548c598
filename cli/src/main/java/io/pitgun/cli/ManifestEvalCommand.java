package io.pitgun.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pitgun manifest eval FILE --input frames.jsonl}: runs a manifest's per-frame stages over frames, one JSON
 * frame per line shaped like an envelope's {@code payload.frames[]} item, and prints one JSON line per frame the
 * filters keep: {@code {"timestamp_us": ..., "samples": {...}}} with the kept input channels and the present derived
 * channels. NaN and infinite results are printed as {@code null} (JSON has no such numbers). A frame whose samples
 * the gateway would refuse ({@link GatewaySampleCheck}) stops the run with its line number. A manifest whose output
 * is insights only prints no frames, as the gateway emits none with it, and says so on stderr.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Run a manifest over JSON-lines frames and print the resulting frames as JSON lines.",
    exitCodeList = {"0:every frame was run",
        "1:the manifest is invalid, a frame is refused (its line is named), or a file cannot be read"})
final class ManifestEvalCommand implements Callable<Integer>
{
    /** The name {@code --input} gives standard input, as Unix tools read it: frames piped from another tool. */
    private static final String STANDARD_INPUT = "-";
    /** U+FEFF at the start of a file: a byte order mark, which UTF-8 does not need but some editors write. */
    private static final String BYTE_ORDER_MARK = "\uFEFF";
    /** One frame per line: what follows a line's frame ({@code {...} {...}}) is refused, not silently skipped. */
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Parameters(index = "0", paramLabel = "FILE", description = "The manifest (.yaml, .yml or .json).")
    Path file;

    @Option(names = "--input", required = true, paramLabel = "FRAMES",
        description = "Frames, one JSON object per line: {\"sequence\":..,\"timestamp_us\":..,\"samples\":{..}}; " +
            "- for standard input.")
    Path input;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the channel names refer to (default: the shipped sim.v1).")
    Path dictionary;

    @Option(names = "--interpreter", description = "Run the reference interpreter instead of the compiled program.")
    boolean interpreter;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter err = spec.commandLine().getErr();
        final CompiledManifest compiled;
        try
        {
            compiled = ManifestCommand.compile(file, dictionary);
        }
        catch (final ManifestException ex)
        {
            err.println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        if (compiled.merge() != null || !compiled.segments().isEmpty())
        {
            // Said, not silently skipped: the output is not what the gateway's would be with these stages.
            err.println("pitgun manifest eval: runs the per-frame stages (formula, filter) only; not run here: " +
                (compiled.merge() != null ? "merge (eval's frames have no source)" : "") +
                (compiled.merge() != null && !compiled.segments().isEmpty() ? ", " : "") +
                (compiled.segments().isEmpty() ? "" : "segment (lap and session insights)"));
        }
        if (!compiled.emitsFrames())
        {
            // The gateway emits no frames with it: printing them showed output the manifest does not have.
            err.println("pitgun manifest eval: prints no frames: the manifest's output is " +
                String.join(", ", compiled.contracts()) + ", without " + CompiledManifest.FRAME_CONTRACT +
                "; each frame is still checked and run through the per-frame stages");
        }
        final FrameProgram program = interpreter ? compiled.newInterpreter() : compiled.newProgram();
        final FrameValues in = compiled.newInputValues();
        final FrameValues out = compiled.newOutputValues();
        final Map<Integer, ProgramPlan.Input> inputs = new HashMap<>();
        for (final ProgramPlan.Input slot : compiled.inputs())
        {
            inputs.put(slot.parameterId(), slot);
        }
        final GatewaySampleCheck gateway = new GatewaySampleCheck(compiled.registry());
        final PrintWriter stdout = spec.commandLine().getOut();
        int lineNumber = 0;
        try (BufferedReader reader = openInput())
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK))
                {
                    line = line.substring(1); // as editors on Windows save UTF-8: not part of the first frame
                }
                if (line.isBlank())
                {
                    continue;
                }
                final String where = input + ":" + lineNumber + ": ";
                final JsonNode frame;
                try
                {
                    frame = JSON.readTree(line);
                }
                catch (final JsonProcessingException ex)
                {
                    err.println(where + "not valid JSON: " + ex.getOriginalMessage());
                    return CliErrorHandler.FAILED;
                }
                final String problem = fill(compiled, frame, inputs, in, line, gateway);
                if (problem != null)
                {
                    err.println(where + problem);
                    return CliErrorHandler.FAILED;
                }
                if (program.onFrame(in, out) && compiled.emitsFrames())
                {
                    stdout.println(JSON.writeValueAsString(result(compiled, frame, gateway, in, out)));
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            err.println(input + ": file not found");
            return CliErrorHandler.FAILED;
        }
        catch (final CharacterCodingException ex)
        {
            // Its own message is "Input length = 1", which names neither the file nor the problem.
            err.println(input + ": file is not valid UTF-8 text");
            return CliErrorHandler.FAILED;
        }
        catch (final FileSystemException ex)
        {
            throw ex; // the error handler names the file and what failed
        }
        catch (final IOException ex)
        {
            // Its own message ("Is a directory") does not name the file.
            err.println(input + ": " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        stdout.flush();
        return 0;
    }

    /**
     * The frames: the file, or standard input for {@code -}, each decoded as UTF-8 that refuses a malformed byte
     * ({@link CharacterCodingException}, as {@link Files#newBufferedReader} does) rather than replacing it.
     */
    private BufferedReader openInput() throws IOException
    {
        if (input.toString().equals(STANDARD_INPUT))
        {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()));
        }
        return Files.newBufferedReader(input, StandardCharsets.UTF_8);
    }

    /**
     * Fills the input table from one frame ({@code frame}, read from {@code line}); returns a problem description or
     * null. It is a frame the gateway would take ({@link GatewaySampleCheck}; an empty samples object is allowed: a
     * frame where every channel is absent), with the values the gateway would store.
     */
    private static String fill(final CompiledManifest compiled, final JsonNode frame,
        final Map<Integer, ProgramPlan.Input> inputs, final FrameValues in, final String line,
        final GatewaySampleCheck gateway) throws IOException
    {
        if (!frame.isObject())
        {
            return "a frame must be a JSON object";
        }
        final JsonNode timestamp = frame.get("timestamp_us");
        if (timestamp == null || !timestamp.canConvertToLong() || !timestamp.isIntegralNumber())
        {
            return "timestamp_us is missing or not an integer";
        }
        final JsonNode samples = frame.get("samples");
        if (samples == null || !samples.isObject())
        {
            return "samples is missing or not an object";
        }
        final String refused = gateway.problem(line);
        if (refused != null)
        {
            return refused;
        }
        in.clear();
        in.timestampUs(timestamp.asLong());
        if (!samples.isEmpty())
        {
            gateway.fill(in, inputs);
        }
        return null;
    }

    private static ObjectNode result(final CompiledManifest compiled, final JsonNode frame,
        final GatewaySampleCheck gateway, final FrameValues in, final FrameValues out)
    {
        final ObjectNode line = JSON.createObjectNode();
        line.put("timestamp_us", in.timestampUs());
        final ObjectNode samples = line.putObject("samples");
        if (!frame.get("samples").isEmpty())
        {
            gateway.putStored(samples, compiled::emits);
        }
        for (final DerivedChannel channel : compiled.derivedChannels())
        {
            final int slot = channel.index();
            if (!compiled.emits(channel.name()) || !out.isPresent(slot))
            {
                continue;
            }
            switch (channel.kind())
            {
                case DOUBLE:
                    final double value = out.doubleValue(slot);
                    if (Double.isFinite(value) && channel.dataType() == DataType.F32)
                    {
                        samples.put(channel.name(), (float)value); // as an f32 input sample prints
                    }
                    else if (Double.isFinite(value))
                    {
                        samples.put(channel.name(), value);
                    }
                    else
                    {
                        samples.putNull(channel.name());
                    }
                    break;
                case LONG:
                    samples.put(channel.name(), out.longValue(slot));
                    break;
                default:
                    samples.put(channel.name(), out.booleanValue(slot));
                    break;
            }
        }
        return line;
    }
}
