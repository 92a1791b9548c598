package io.pitgun.scaleout;

import io.pitgun.engine.PipelineConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.schemas.signing.VerifiedDocument;

import java.util.Objects;

/**
 * What a hive runs over each edge's journal, live: the engine pipeline of {@code pitgun journal replay
 * --edge-positions --manifest M [--config C]}, one per edge, writing the edge's derived frames and insights to
 * {@code DATA_DIR/edges/EDGE_ID/}{@value HiveConfig#DERIVED_FILE}.
 *
 * @param manifest the compiled manifest (its dictionary is {@code manifest.registry()}).
 * @param config   the pipeline settings (merging, max_frame_bytes, ...); as for a replay, its journal, ack_mode,
 *                 output.json_lines and output.digest are replaced ({@code JournalReplayer.replayConfig});
 *                 output.include_restricted is honoured.
 * @param source   the manifest's file as its signature was verified ({@code pitgun hive --trust}), so that every
 *                 insight names its signer ({@code signer_key_id}), or null: no signature was required.
 */
public record HivePipeline(CompiledManifest manifest, PipelineConfig config, VerifiedDocument source)
{
    public HivePipeline
    {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(config, "config");
    }

    /** {@code manifest} and {@code config}, no signature required. */
    public HivePipeline(final CompiledManifest manifest, final PipelineConfig config)
    {
        this(manifest, config, null);
    }

    /** {@code manifest} with the default pipeline settings. */
    public static HivePipeline of(final CompiledManifest manifest)
    {
        return new HivePipeline(manifest, PipelineConfig.defaults());
    }
}
