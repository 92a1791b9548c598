package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.tuning.ManifestLimitCheck;
import io.pitgun.engine.tuning.TuningPolicy;
import io.pitgun.engine.tuning.TuningPolicyException;
import io.pitgun.engine.tuning.TuningPolicyLoader;
import io.pitgun.journal.Journal;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.ManifestProblem;
import io.pitgun.schemas.signing.KeyFileException;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Collects the parts of a {@link TelemetryPipeline}; {@link #build()} starts it. Get one from
 * {@link TelemetryPipeline#builder()}:
 *
 * <pre>{@code
 * try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifestFile).config(config).build()) { ... }
 * }</pre>
 */
public final class TelemetryPipelineBuilder
{
    // Read by the TelemetryPipeline constructor.
    ParameterRegistry registry;
    CompiledManifest manifest;
    private Path manifestPath;
    private SignatureVerifier verifier;
    private VerifiedDocument manifestSource;
    String signerKeyId;
    TuningPolicy tuningPolicy;
    private Path tuningPolicyPath;
    PipelineConfig config = PipelineConfig.defaults();
    String name;
    Journal journal;
    Consumer<Journal> journalCheck;
    boolean flushOutputWhenIdle;
    final List<OutputSink> outputSinks = new ArrayList<>();
    PipelineCounters counters;
    ThreadFactory threadFactory;
    BiConsumer<String, Throwable> errorHandler = (stage, error) -> System.err.println(
        "pitgun engine: error in " + stage + ": " + error);

    TelemetryPipelineBuilder()
    {
    }

    /** The dictionary (default {@code sim.v1}). */
    public TelemetryPipelineBuilder dictionary(final ParameterRegistry registry)
    {
        this.registry = registry;
        return this;
    }

    /** A compiled manifest. */
    public TelemetryPipelineBuilder manifest(final CompiledManifest manifest)
    {
        // The last manifest given is the one that runs, and only its own source may be credited with a signer.
        this.manifest = manifest;
        this.manifestSource = null;
        this.manifestPath = null;
        return this;
    }

    /** A manifest file, loaded and compiled against the dictionary at {@link #build()}. */
    public TelemetryPipelineBuilder manifest(final Path manifestFile)
    {
        this.manifestPath = manifestFile;
        this.manifest = null;
        this.manifestSource = null;
        return this;
    }

    /**
     * A compiled manifest with the document it was compiled from, read (and, when signatures are required,
     * verified) by a {@link SignatureVerifier}: the pipeline records its signer in the journal's
     * {@code ManifestLoaded} entry and in every insight's provenance ({@code signer_key_id}).
     *
     * @throws IllegalArgumentException if {@code source} is not the text the manifest was compiled from.
     */
    public TelemetryPipelineBuilder manifest(final CompiledManifest manifest, final VerifiedDocument source)
    {
        if (!manifest.manifest().document().text().equals(source.text()))
        {
            throw new IllegalArgumentException("manifest: " + source.file() +
                ": the compiled manifest was not compiled from these bytes");
        }
        this.manifest = manifest;
        this.manifestSource = source;
        this.manifestPath = null;
        return this;
    }

    /**
     * Requires the manifest to carry a valid detached signature ({@code FILE.sig}, docs/security.md) by one of
     * these keys: {@link #build()} then refuses an unsigned, tampered or foreign-signed manifest. The manifest must
     * then be given as a file ({@link #manifest(Path)}) or with its verified source
     * ({@link #manifest(CompiledManifest, VerifiedDocument)}), never as a bare compiled manifest.
     */
    public TelemetryPipelineBuilder trust(final TrustedKeys keys)
    {
        this.verifier = new SignatureVerifier(keys);
        return this;
    }

    /**
     * A tuning policy ({@link TuningPolicyLoader}): {@link #build()} refuses a manifest over its limits
     * ({@link ManifestLimitCheck}), and {@link FrameWriter}s refuse (or flag) samples outside its channel limits.
     */
    public TelemetryPipelineBuilder tuningPolicy(final TuningPolicy policy)
    {
        this.tuningPolicy = policy;
        return this;
    }

    /** A {@code tuning-policy/v1} file, loaded against the dictionary at {@link #build()}. */
    public TelemetryPipelineBuilder tuningPolicy(final Path policyFile)
    {
        this.tuningPolicyPath = policyFile;
        return this;
    }

    /** The configuration (default {@link PipelineConfig#defaults()}). */
    public TelemetryPipelineBuilder config(final PipelineConfig config)
    {
        this.config = config;
        return this;
    }

    /**
     * Where the pipeline counts (default: fresh counters in process memory). A gateway passes counters allocated
     * in its counters file ({@link CountersFile}) so that other processes can read them live.
     */
    public TelemetryPipelineBuilder counters(final PipelineCounters counters)
    {
        this.counters = counters;
        return this;
    }

    /** The name used in thread names ({@code pitgun-<name>-journal}); default {@code p<n>}. */
    public TelemetryPipelineBuilder name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * An already open journal to append to, instead of opening {@code journal.directory}; the pipeline does
     * not close it.
     */
    public TelemetryPipelineBuilder journal(final Journal journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * Runs {@code check} on the pipeline's journal once it is open and before the pipeline writes anything into it
     * (its {@code ManifestLoaded} entry): a check that throws stops the build with nothing written, the pipeline
     * closed and the exception passed on. The gateway reads its idempotency window here, so a journal it refuses (one
     * a newer build wrote) is left as it was. Without a journal it is not called.
     */
    public TelemetryPipelineBuilder journalCheck(final Consumer<Journal> check)
    {
        this.journalCheck = check;
        return this;
    }

    /**
     * Makes the pipeline's threads, e.g. to pin the processing thread to a core of its own with an affinity
     * library; the pipeline then names them {@code pitgun-<name>-<stage>} (stages: {@code process},
     * {@code journal}, {@code pretouch}) and makes them daemons before starting them. Default: plain threads.
     */
    public TelemetryPipelineBuilder threadFactory(final ThreadFactory factory)
    {
        this.threadFactory = factory;
        return this;
    }

    /**
     * With {@code true}, the output sinks that buffer (the JSON-lines file) write out what they hold whenever the
     * processing stage has caught up with the ring, so a reader of the file sees every output so far while the
     * pipeline is idle (a hive's derived output); default false: they write when their buffer fills and at close.
     */
    public TelemetryPipelineBuilder flushOutputWhenIdle(final boolean on)
    {
        this.flushOutputWhenIdle = on;
        return this;
    }

    /**
     * Gives every output (derived frames and insights) to {@code handler} on the processing thread, in output order,
     * after the configured sinks and before the subscribers: unlike a {@link Subscription}, it never misses one, and
     * it holds up processing while it runs, so it suits a replay or an export rather than a live pipeline. An
     * exception it throws goes to the error handler and {@link TelemetryPipeline#firstError}, and it is not called
     * again. Default: none.
     */
    public TelemetryPipelineBuilder outputHandler(final SubscriptionHandler handler)
    {
        return outputSink(new HandlerSink(handler));
    }

    /**
     * Adds a sink that receives every output on the processing thread, after the digest and the JSON-lines file
     * and before the subscribers; the pipeline closes it. A sink that throws is skipped from then on and reported.
     */
    public TelemetryPipelineBuilder outputSink(final OutputSink sink)
    {
        outputSinks.add(Objects.requireNonNull(sink, "sink"));
        return this;
    }

    /**
     * Receives stage exceptions (stage name, exception); default prints one line to standard error. Called on the
     * thread that met the exception (a stage's, or the producer's with {@code journal.thread: producer}); an exception
     * it throws is added to the reported one as suppressed ({@link TelemetryPipeline#firstError}) and stops nothing.
     */
    public TelemetryPipelineBuilder errorHandler(final BiConsumer<String, Throwable> handler)
    {
        this.errorHandler = handler;
        return this;
    }

    /**
     * Builds and starts the pipeline, and the outputs that follow its journal ({@link OutputFollowers}).
     *
     * @throws PipelineConfigException if {@code output.parquet}, {@code output.questdb} or {@code output.postgres} is
     *                                 set without a journal or without its provider on the class path (nothing is
     *                                 started then; the message names the artifact to add).
     * @throws ManifestException if the manifest file does not load or compile.
     * @throws SignatureRefusedException if signatures are required ({@link #trust}) and the manifest file has no
     *                                   valid one by a trusted key; the message names the file and why.
     * @throws IllegalArgumentException if no manifest was given, or signatures are required of a manifest given
     *                                  without its source.
     * @throws TuningPolicyException if the tuning policy does not load, or the manifest is over its limits.
     * @throws DataDirectoryLock.HeldException if another pipeline, in this process or another, writes the journal in
     *                                         {@code journal.directory} (it holds {@code pipeline.lock} there until
     *                                         its close()); nothing is written to the journal then, and no
     *                                         output opened (a JSON Lines file would be truncated).
     */
    public TelemetryPipeline build() throws ManifestException
    {
        if (registry == null)
        {
            registry = ParameterRegistry.simV1();
        }
        if (manifest == null)
        {
            if (manifestPath == null)
            {
                throw new IllegalArgumentException("manifest: a pipeline needs a manifest");
            }
            if (verifier != null)
            {
                // Parse the bytes that were verified, not the file again: it may have changed in between.
                final VerifiedDocument source = readManifest(manifestPath);
                manifest = ManifestCompiler.compile(ManifestLoader.parse(manifestPath, source.text()), registry);
                manifestSource = source;
            }
            else
            {
                manifest = ManifestCompiler.compile(ManifestLoader.load(manifestPath), registry);
            }
        }
        if (verifier != null)
        {
            if (manifestSource == null)
            {
                throw new IllegalArgumentException("manifest: signatures are required (trust) but the manifest " +
                    manifest.manifest().name() + " was given compiled, without the file it came from");
            }
            // Checked with this builder's keys even when the source says it was verified: by which keys is not known.
            manifestSource = verifier.verify(manifestSource.file(), manifestSource.bytes());
        }
        signerKeyId = manifestSource == null ? null : manifestSource.signerKeyId().orElse(null);
        if (verifier != null && tuningPolicy != null && tuningPolicyPath == null)
        {
            throw new IllegalArgumentException("tuning policy: signatures are required (trust) but the policy " +
                tuningPolicy.name() + " was given loaded, without the file it came from");
        }
        if (tuningPolicy == null && tuningPolicyPath != null)
        {
            // Under trust() the policy file must be signed by a trusted key too.
            tuningPolicy = verifier == null ? TuningPolicyLoader.load(tuningPolicyPath, registry) :
                TuningPolicyLoader.load(verifier.read(tuningPolicyPath), registry);
        }
        if (tuningPolicy != null)
        {
            ManifestLimitCheck.check(tuningPolicy, manifest);
        }
        return new TelemetryPipeline(this);
    }

    private VerifiedDocument readManifest(final Path file) throws ManifestException
    {
        try
        {
            return verifier.read(file);
        }
        catch (final KeyFileException ex)
        {
            throw new ManifestException(new ManifestProblem(file, null, ex.getMessage(), ""));
        }
    }
}
