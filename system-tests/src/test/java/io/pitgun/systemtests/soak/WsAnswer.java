package io.pitgun.systemtests.soak;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a gateway WebSocket ack or nack the soak needs, read from its JSON text.
 *
 * @param type           {@code ack} or {@code nack}.
 * @param messageNumber  the connection's message number it answers.
 * @param httpStatus     the HTTP status it stands for.
 * @param framesAccepted frames of the message that are in (0 when absent).
 * @param retryAfterS    {@code retry_after_s}, or -1 when absent.
 * @param reason         the refusal reason, or empty.
 * @param text           the whole message.
 */
public record WsAnswer(String type, long messageNumber, int httpStatus, int framesAccepted, int retryAfterS,
    String reason, String text)
{
    private static final Pattern TYPE = Pattern.compile("\"type\":\"(\\w+)\"");
    private static final Pattern NUMBER = Pattern.compile("\"message_number\":(\\d+)");
    private static final Pattern STATUS = Pattern.compile("\"http_status\":(\\d+)");
    private static final Pattern FRAMES = Pattern.compile("\"frames_accepted\":(\\d+)");
    private static final Pattern RETRY = Pattern.compile("\"retry_after_s\":(\\d+)");
    private static final Pattern REASON = Pattern.compile("\"reason\":\"(\\w+)\"");

    /** Parses an answer; absent fields read as -1 (number, status) or 0 (frames). */
    public static WsAnswer parse(final String text)
    {
        return new WsAnswer(find(TYPE, text), number(NUMBER, text, -1), (int)number(STATUS, text, -1),
            (int)number(FRAMES, text, 0), (int)number(RETRY, text, -1), find(REASON, text), text);
    }

    /** Whether this acknowledges the message. */
    public boolean isAck()
    {
        return "ack".equals(type);
    }

    private static String find(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static long number(final Pattern pattern, final String text, final long absent)
    {
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : absent;
    }
}
