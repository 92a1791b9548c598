package io.pitgun.gateway;

import io.netty.handler.ssl.SslProvider;

import java.util.Locale;

/** The TLS implementation the gateway serves with ({@link GatewaySetting#TLS_PROVIDER}). */
public enum TlsProvider
{
    /** The JDK's own (SunJSSE): pure Java, available everywhere. */
    JDK(SslProvider.JDK),
    /** BoringSSL through netty-tcnative (the statically linked Linux x86-64 build the gateway ships). */
    OPENSSL(SslProvider.OPENSSL);

    private final SslProvider netty;

    TlsProvider(final SslProvider netty)
    {
        this.netty = netty;
    }

    /** The setting's spelling: {@code jdk} or {@code openssl}. */
    public String text()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Netty's name for it. */
    SslProvider netty()
    {
        return netty;
    }

    /**
     * The provider a setting names.
     *
     * @throws IllegalArgumentException naming the choices.
     */
    public static TlsProvider parse(final String text)
    {
        for (final TlsProvider provider : values())
        {
            if (provider.text().equals(text.strip().toLowerCase(Locale.ROOT)))
            {
                return provider;
            }
        }
        throw new IllegalArgumentException("'" + text + "' must be jdk or openssl");
    }
}
