package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterDefinition;

/**
 * One CSV row ready to become a frame: capture time, optional lap and sector, and the samples as JSON value text
 * (already checked against the channel's type, so the envelope can be written without re-reading them).
 *
 * @param lineNumber  1-based line of the CSV the row came from, for messages.
 * @param timestampUs capture time, µs since the epoch.
 * @param lapNumber   lap, or -1 when the CSV has none.
 * @param sector      sector, or -1 when the CSV has none.
 * @param channels    the channels that have a value in this row.
 * @param jsonValues  each channel's value as a JSON literal ({@code 12}, {@code 97.5}, {@code true}).
 */
public record TelemetryRow(
    long lineNumber,
    long timestampUs,
    int lapNumber,
    int sector,
    ParameterDefinition[] channels,
    String[] jsonValues)
{
}
