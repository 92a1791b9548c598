package io.pitgun.gateway;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds an {@code event_id} in an envelope the decoder refused, so that a nack can still name it. Cold path
 * (refusals only); a best effort that never throws.
 */
final class EventIdSniffer
{
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"([0-9A-Za-z-]{1,64})\"");

    private EventIdSniffer()
    {
    }

    static String find(final byte[] body, final int start, final int length)
    {
        final Matcher matcher = EVENT_ID.matcher(new String(body, start, Math.min(length, 1 << 16), StandardCharsets.UTF_8));
        return matcher.find() ? matcher.group(1) : null;
    }
}
