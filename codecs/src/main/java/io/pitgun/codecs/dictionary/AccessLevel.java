package io.pitgun.codecs.dictionary;

/**
 * Who may send or read a channel. Restricted channels are refused at ingress unless the client is allowed them;
 * internal channels are accepted but not published on public surfaces.
 */
public enum AccessLevel
{
    PUBLIC, INTERNAL, RESTRICTED;

    /** The name used in dictionaries, e.g. {@code restricted}. */
    public String symbol()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The access level with this dictionary name. */
    public static AccessLevel fromSymbol(final String symbol)
    {
        return valueOf(symbol.toUpperCase(java.util.Locale.ROOT));
    }
}
