package io.pitgun.gateway;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

/**
 * The headers of a request as the decoder reads them, with its {@code X-Forwarded-For} lines made one value, in the
 * order they came ({@code "client-written, proxy-added"}; RFC 9110 5.3 makes several lines of a list header the same
 * as one line joining them). A proxy may append a line of its own after the client's instead of extending it
 * (HAProxy's {@code option forwardfor} does): with {@code get} returning only the first line, the client would
 * choose its own identity (rate-limit bucket, {@code RESTRICTED_CLIENTS}) behind a trusted proxy. Joining costs a
 * string only for a request that has more than one line; the usual request pays one name comparison per header.
 */
final class ForwardedForMergingHeaders extends DefaultHttpHeaders
{
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private static final DefaultHttpHeadersFactory DEFAULTS = DefaultHttpHeadersFactory.headersFactory();

    /** For {@code HttpDecoderConfig.setHeadersFactory}: Netty's default validation, X-Forwarded-For joined. */
    static final HttpHeadersFactory FACTORY = new HttpHeadersFactory()
    {
        @Override
        public HttpHeaders newHeaders()
        {
            return new ForwardedForMergingHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders()
        {
            return DEFAULTS.newEmptyHeaders();
        }
    };

    private ForwardedForMergingHeaders()
    {
        super(DEFAULTS.getNameValidator(), DEFAULTS.getValueValidator());
    }

    @Override
    public HttpHeaders add(final CharSequence name, final Object value)
    {
        return X_FORWARDED_FOR.contentEqualsIgnoreCase(name) && contains(X_FORWARDED_FOR) ?
            set(X_FORWARDED_FOR, get(X_FORWARDED_FOR) + ", " + value) : super.add(name, value);
    }

    @Override
    public HttpHeaders add(final String name, final Object value)
    {
        return add((CharSequence)name, value);
    }
}
