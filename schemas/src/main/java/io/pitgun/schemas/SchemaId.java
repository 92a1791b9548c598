package io.pitgun.schemas;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of one public schema: a name and a version, written {@code name/version}
 * (for example {@code pitgun-envelope/v1}).
 *
 * <p>The canonical URI is {@code https://pitgun.io/schemas/<name>/<version>}; the resource is
 * {@code schemas/<name>/<version>.json} on the class path.
 *
 * @param name    lower-case schema name, e.g. {@code metrics-dictionary}
 * @param version version label, e.g. {@code v1}
 */
public record SchemaId(String name, String version)
{
    /** Prefix of every Pitgun schema URI; the schema's {@code name/version} follows it. */
    public static final String URI_PREFIX = "https://pitgun.io/schemas/";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern VERSION = Pattern.compile("v[1-9][0-9]*");

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException if the name is not lower-case kebab case or the version is not {@code v<N>}
     */
    public SchemaId
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        if (!NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException(
                "schema name '" + name + "' must be lower-case words joined by '-', e.g. pitgun-envelope");
        }
        if (!VERSION.matcher(version).matches())
        {
            throw new IllegalArgumentException("schema version '" + version + "' must look like v1, v2, ...");
        }
    }

    /**
     * Parses {@code name/version}.
     *
     * @param text for example {@code pitgun-envelope/v1}
     * @return the id
     * @throws IllegalArgumentException if the text is not {@code name/version}
     */
    public static SchemaId parse(final String text)
    {
        Objects.requireNonNull(text, "text");
        final int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/'))
        {
            throw new IllegalArgumentException(
                "schema id '" + text + "' must be <name>/<version>, e.g. pitgun-envelope/v1");
        }
        return new SchemaId(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * @return {@code https://pitgun.io/schemas/<name>/<version>}, the schema's {@code $id}
     */
    public URI uri()
    {
        return URI.create(URI_PREFIX + this);
    }

    /**
     * @return the class path resource holding the schema, {@code schemas/<name>/<version>.json}
     */
    public String resourcePath()
    {
        return "schemas/" + this + ".json";
    }

    /**
     * @return {@code name/version}
     */
    @Override
    public String toString()
    {
        return name + "/" + version;
    }
}
