package io.pitgun.schemas;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The text formats a Pitgun document may be written in, chosen by file extension.
 */
public enum DocumentFormat
{
    /** {@code .json} */
    JSON,
    /** {@code .yaml} or {@code .yml} */
    YAML;

    /**
     * Chooses the format from the file name's extension.
     *
     * @param path a file name ending in {@code .json}, {@code .yaml} or {@code .yml} (any case)
     * @return the format
     * @throws IllegalArgumentException for any other extension
     */
    public static DocumentFormat of(final Path path)
    {
        final Path fileName = path.getFileName();
        final String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json"))
        {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml"))
        {
            return YAML;
        }
        throw new IllegalArgumentException(
            "cannot tell the format of '" + path + "': expected a .json, .yaml or .yml file");
    }
}
