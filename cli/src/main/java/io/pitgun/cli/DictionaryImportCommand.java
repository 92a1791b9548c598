package io.pitgun.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pitgun dictionary import FILE [--output OUT]}: writes a dictionary (typically a seed registry such as
 * {@code registries/f1_generic.yaml}) as a canonical {@code metrics-dictionary/v1} YAML document, with every
 * default the import applied printed as a warning, so the result can be reviewed and kept.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Convert a seed registry (version, name, parameters[]) into a metrics-dictionary/v1 YAML document; " +
        "defaults applied are printed as warnings on stderr.",
    exitCodeList = {"0:the result is a valid dictionary",
        "1:the registry cannot be read, or does not convert into a valid dictionary"})
final class DictionaryImportCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "FILE", description = "The registry or dictionary (.yaml, .yml or .json).")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
        description = "Where to write the dictionary (default: standard output). An existing file is not replaced.")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final ParameterRegistry registry = DictionaryCommand.load(file, spec.commandLine().getErr());
        if (registry == null)
        {
            return CliErrorHandler.FAILED;
        }
        final String yaml = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // A string that reads as a number (the unit "1") is quoted: unquoted, it read back as a number, and the
            // schema refused the imported file (units are strings).
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build()
            .writeValueAsString(registry.document());
        if (output == null)
        {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (Files.exists(output))
        {
            spec.commandLine().getErr().println(output + ": already exists; not replaced");
            return CliErrorHandler.FAILED;
        }
        Files.writeString(output, yaml);
        spec.commandLine().getErr().println(output + ": dictionary '" + registry.name() + "', " +
            registry.parameters().size() + " channels");
        return 0;
    }
}
