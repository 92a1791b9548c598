package io.pitgun.gateway;

import java.util.Locale;

/**
 * What a token allows. A request to an endpoint that needs a capability is answered 401 without a valid token and
 * 403 with a token that lacks it (docs/security.md lists which endpoint needs which).
 */
public enum Capability
{
    /** {@code POST /beacon} and WebSocket ingest ({@code GET /ws}). */
    INGEST,
    /** Live subscription ({@code GET /ws?subscribe=derived}). */
    SUBSCRIBE,
    /** A subscriber also receives restricted channels (never internal ones). */
    READ_RESTRICTED,
    /** {@code GET /metrics} and {@code GET /latency}. */
    METRICS,
    /** Operator endpoints (none is served yet; reserved so tokens issued now keep their meaning). */
    ADMIN;

    private final String symbol = name().toLowerCase(Locale.ROOT);
    private final int bit = 1 << ordinal();

    /** The name in token files and on the command line, e.g. {@code read_restricted}. */
    public String symbol()
    {
        return symbol;
    }

    /** This capability's bit in a capability mask. */
    int bit()
    {
        return bit;
    }

    /** Every capability's bit. */
    static final int ALL = (1 << values().length) - 1;

    /**
     * The capability named {@code symbol} (any case).
     *
     * @throws IllegalArgumentException naming the capabilities there are.
     */
    public static Capability fromSymbol(final String symbol)
    {
        for (final Capability capability : values())
        {
            if (capability.symbol.equalsIgnoreCase(symbol.trim()))
            {
                return capability;
            }
        }
        throw new IllegalArgumentException("unknown capability '" + symbol + "'; one of " + choices());
    }

    /** The capabilities there are, comma-separated. */
    public static String choices()
    {
        final StringBuilder out = new StringBuilder();
        for (final Capability capability : values())
        {
            out.append(out.length() == 0 ? "" : ", ").append(capability.symbol);
        }
        return out.toString();
    }
}
