package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.PipelineManifest;
import io.pitgun.schemas.signing.VerifiedDocument;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code pitgun manifest}: the pipeline-manifest tools ({@code check}, {@code eval}, {@code sign}, {@code verify}). Only wires the subcommands
 * and shares how a manifest is loaded and compiled.
 */
@Command(
    name = "manifest",
    mixinStandardHelpOptions = true,
    description = "Check (validate, compile, print the plan), evaluate over frames (eval), sign and verify pipeline " +
        "manifests (pipeline-manifest/v1).",
    subcommands = {ManifestCheckCommand.class, ManifestEvalCommand.class, ManifestSignCommand.class,
        ManifestVerifyCommand.class})
final class ManifestCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Loads, validates and compiles a manifest against {@code dictionary} (a dictionary file) or, when null, the
     * shipped sim.v1.
     */
    static CompiledManifest compile(final Path file, final Path dictionary) throws ManifestException
    {
        return compile(ManifestLoader.load(file), file, dictionary);
    }

    /** As {@link #compile(Path, Path)} for the bytes a {@code SignatureVerifier} checked (never the file again). */
    static CompiledManifest compile(final VerifiedDocument source, final Path dictionary) throws ManifestException
    {
        return compile(ManifestLoader.parse(source.file(), source.text()), source.file(), dictionary);
    }

    /**
     * What {@code validate}, {@code manifest check} and {@code manifest sign|verify} require of a manifest, stated
     * once: {@code text} (the content of {@code file}, never read again) loads, compiles against {@code dictionary}
     * (null: the one the manifest names) and its bytecode is generated.
     *
     * @throws ManifestException every problem, as {@code manifest check} prints them.
     */
    static CompiledManifest check(final Path file, final String text, final Path dictionary) throws ManifestException
    {
        final CompiledManifest compiled = compile(ManifestLoader.parse(file, text), file, dictionary);
        compiled.newProgram();
        return compiled;
    }

    private static CompiledManifest compile(final PipelineManifest manifest, final Path file, final Path dictionary)
        throws ManifestException
    {
        final ParameterRegistry registry;
        if (dictionary != null)
        {
            registry = ParameterRegistry.load(dictionary);
        }
        else
        {
            // A shipped dictionary (sim.v1, f1-25.v1) is found by name; any other is a file the caller names.
            registry = ParameterRegistry.shipped(manifest.dictionary()).orElseThrow(() -> new IllegalArgumentException(
                file + ": the manifest uses dictionary '" + manifest.dictionary() + "', which is not built in; pass " +
                    "it with --dictionary FILE"));
        }
        return ManifestCompiler.compile(manifest, registry);
    }
}
