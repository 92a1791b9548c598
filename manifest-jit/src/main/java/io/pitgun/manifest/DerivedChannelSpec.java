package io.pitgun.manifest;

/**
 * One {@code derived_channels} entry as written.
 *
 * @param pointer     JSON Pointer of the entry.
 * @param name        the new channel's name.
 * @param expr        the formula text.
 * @param unit        unit symbol, or null when not given.
 * @param dataType    {@code data_type} symbol ({@code f64} when not given).
 * @param min         range minimum, or null when no range is given.
 * @param max         range maximum, or null when no range is given.
 * @param description free text, or null.
 */
public record DerivedChannelSpec(String pointer, String name, String expr, String unit, String dataType, Double min,
    Double max, String description)
{
}
