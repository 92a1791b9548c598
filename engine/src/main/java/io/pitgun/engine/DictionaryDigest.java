package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;

/**
 * The digest insights name their dictionary by ({@code provenance.dictionary_sha256}): the SHA-256 of the
 * dictionary document as compact JSON, so its YAML and JSON forms, or two files differing only in comments and
 * layout, get the same digest while any change to a channel (name, id, unit, type, range, access) gives another.
 * A name such as {@code sim.v1} says which dictionary was meant; the digest says which content it had.
 */
public final class DictionaryDigest
{
    private DictionaryDigest()
    {
    }

    /** Lower-case hex SHA-256 of the registry's document as compact JSON. Cold path. */
    public static String sha256Hex(final ParameterRegistry registry)
    {
        return OutputDigest.sha256Hex(registry.document().toString());
    }
}
