package io.pitgun.manifest;

import io.pitgun.schemas.ParsedDocument;

import java.util.List;

/**
 * A {@code pipeline-manifest/v1} document that passed schema validation, with its source kept so that the
 * compiler can report problems at their line and column.
 *
 * @param document    the parsed source.
 * @param name        {@code name}, or the file name without extension when not given.
 * @param description {@code description}, or "".
 * @param dictionary  the dictionary its channel names refer to ({@code sim.v1} by default).
 * @param stages      the pipeline, in order.
 */
public record PipelineManifest(ParsedDocument document, String name, String description, String dictionary,
    List<Stage> stages)
{
    /** The dictionary used when a manifest names none. */
    public static final String DEFAULT_DICTIONARY = "sim.v1";
}
