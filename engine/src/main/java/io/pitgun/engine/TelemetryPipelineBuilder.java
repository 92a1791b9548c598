package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.journal.Journal;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;

import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;

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
    PipelineConfig config = PipelineConfig.defaults();
    String name;
    Journal journal;
    boolean flushOutputWhenIdle;
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
        this.manifest = manifest;
        return this;
    }

    /** A manifest file, loaded and compiled against the dictionary at {@link #build()}. */
    public TelemetryPipelineBuilder manifest(final Path manifestFile)
    {
        this.manifestPath = manifestFile;
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

    /** Receives stage exceptions (stage name, exception); default prints one line to standard error. */
    public TelemetryPipelineBuilder errorHandler(final BiConsumer<String, Throwable> handler)
    {
        this.errorHandler = handler;
        return this;
    }

    /**
     * Builds and starts the pipeline.
     *
     * @throws ManifestException if the manifest file does not load or compile.
     * @throws IllegalArgumentException if no manifest was given.
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
            manifest = ManifestCompiler.compile(ManifestLoader.load(manifestPath), registry);
        }
        return new TelemetryPipeline(this);
    }
}
