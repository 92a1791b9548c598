package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The event loop's allocation-free answer parts against the String code they replace: the plain ingest answer is
 * byte for byte {@link IngestReport#toJson(String, long)}, the content-type check and the request path agree with
 * the {@code split/trim/toLowerCase} and {@link QueryStringDecoder} versions.
 */
class PlainAnswerTest
{
    @Property(tries = 2_000)
    void shouldWritePlainAnswerAsToJsonDoes(
        @ForAll @IntRange(min = 0, max = 3) final int statusPick,
        @ForAll @IntRange(min = -1, max = 100_000) final int envelopes,
        @ForAll @IntRange(min = 0, max = 100_000) final int accepted,
        @ForAll @IntRange(min = 0, max = 100_000) final int duplicates,
        @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) final int frames,
        @ForAll @LongRange(min = -1, max = Long.MAX_VALUE) final long lastPosition,
        @ForAll @LongRange(min = -1, max = Long.MAX_VALUE) final long journalIndex,
        @ForAll @IntRange(min = 0, max = 3_600) final int retryAfterS)
    {
        final IngestReport report = new IngestReport();
        report.status = new int[] {202, 503, 507, 400}[statusPick];
        report.envelopes = envelopes;
        report.accepted = accepted;
        report.duplicates = duplicates;
        report.framesAccepted = frames;
        report.unindexedPosition = lastPosition;
        report.retryAfterS = retryAfterS;
        for (final String ackMode : List.of("journaled", "accepted"))
        {
            assertEquals(report.toJson(ackMode, journalIndex), plain(report, ackMode, journalIndex));
        }
    }

    @Test
    void shouldEncodeAcceptedAnswerAsTheHttpEncoderDoes()
    {
        final IngestReport report = new IngestReport();
        report.envelopes = 1;
        report.accepted = 1;
        report.framesAccepted = 1;
        // A long ack mode makes a body of four digits: the path that writes the body again behind its length.
        for (final String ackMode : List.of("journaled", "accepted", "x".repeat(1_000)))
        {
            for (final long position : new long[] {-1, 0, 7, 123_456_789, Long.MAX_VALUE})
            {
                report.unindexedPosition = position;
                final ByteBuf body = Unpooled.buffer();
                report.writePlainJson(body, IngestReport.quotedJson(ackMode), position);
                final ByteBuf raw = Unpooled.buffer();
                HttpExchange.encodeAccepted(raw, report, IngestReport.quotedJson(ackMode), position);

                final EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder());
                final FullHttpResponse response = HttpExchange.response(202, HttpExchange.JSON, body);
                HttpUtil.setKeepAlive(response, true);
                channel.writeOutbound(response);
                final ByteBuf encoded = Unpooled.buffer();
                for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound())
                {
                    encoded.writeBytes(part);
                    part.release();
                }
                assertEquals(encoded.toString(StandardCharsets.UTF_8), raw.toString(StandardCharsets.UTF_8));
                channel.finishAndReleaseAll();
            }
        }
    }

    @Test
    void shouldWriteDecimalsAtTheirEdges()
    {
        for (final long value : new long[] {0, 9, 10, 99, 100, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L,
            Long.MAX_VALUE, -1, -10, Long.MIN_VALUE})
        {
            final ByteBuf out = Unpooled.buffer(1);
            IngestReport.writeDecimal(out, value);
            assertEquals(Long.toString(value), out.toString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldAcceptTheContentTypesTheSplitVersionAccepts()
    {
        for (final String type : new String[] {null, "", ";", "application/json", "APPLICATION/JSON",
            " application/json ; charset=utf-8", "\tApplication/X-NDJSON\t", "application/ndjson;", "application/jsonl",
            "text/plain", "text/plain;charset=UTF-8", "text/html", "application/json5", "application/jso",
            "applİcation/json", "application/json;x;y", "  ", "te\u212At/plain", "application/json\u0000"})
        {
            assertEquals(splitVersion(type), BeaconEndpoint.acceptedContentType(type), String.valueOf(type));
        }
    }

    @Test
    void shouldFindThePathQueryStringDecoderFinds()
    {
        for (final String uri : new String[] {"/beacon", "/beacon?x=1", "/be%61con", "/a+b", "/a;b", "/ws#f", "",
            "*", "http://host/beacon", "/beacon/", "/latency?format=hlog"})
        {
            assertEquals(new QueryStringDecoder(uri).path(), HttpExchange.path(uri), uri);
        }
    }

    private static String plain(final IngestReport report, final String ackMode, final long journalIndex)
    {
        final ByteBuf out = Unpooled.buffer(16);
        report.writePlainJson(out, IngestReport.quotedJson(ackMode), journalIndex);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The check as it was before it read the header in place. */
    private static boolean splitVersion(final String contentType)
    {
        if (contentType == null)
        {
            return false;
        }
        final String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("application/x-ndjson") ||
            type.equals("application/ndjson") || type.equals("application/jsonl") || type.equals("text/plain");
    }
}
