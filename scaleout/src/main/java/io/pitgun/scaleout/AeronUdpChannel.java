package io.pitgun.scaleout;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The check of an Aeron UDP channel an operator gives (the gateway's {@code SHIP_TO} and {@code SHIP_REPLY}, the
 * hive's {@code --listen}), made before anything starts. Aeron refuses a bad channel only once its media driver runs,
 * in words that name no setting ("port out of range:99999", "unresolved - endpoint=999.0.0.1:0", "URIs for UDP must
 * specify an endpoint, control, tags, or control-mode"). Cold path: once per start.
 */
public final class AeronUdpChannel
{
    /** How every channel checked here begins. */
    public static final String PREFIX = "aeron:udp?";

    /** An endpoint or control address: an IPv4 address, a host name or a bracketed IPv6 address, and a port. */
    private static final Pattern ADDRESS = Pattern.compile(
        "(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}|" +
        "(?=.*[A-Za-z])[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])" +
        ":(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|\\d{1,4})");

    /** The parameters of which Aeron needs one in a UDP channel (it refuses one with none of them). */
    private static final List<String> ADDRESSING = List.of("endpoint", "control", "tags", "control-mode");

    private AeronUdpChannel()
    {
    }

    /**
     * What is wrong with {@code channel} as Aeron would find it at start, each problem to follow the channel in a
     * message ({@code SETTING: 'CHANNEL': PROBLEM}); empty when there is nothing. Reads the text only.
     */
    public static List<String> problems(final String channel)
    {
        if (!channel.startsWith(PREFIX))
        {
            return List.of("must be an Aeron UDP channel, e.g. " + PREFIX + "endpoint=127.0.0.1:40456");
        }
        final List<String> problems = new ArrayList<>();
        boolean addressed = false;
        for (final String parameter : channel.substring(PREFIX.length()).split("\\|"))
        {
            final String key = key(parameter);
            addressed |= ADDRESSING.contains(key);
            if (isAddress(key) && !ADDRESS.matcher(value(parameter)).matches())
            {
                problems.add(key + " must be host:port with a port from 0 to 65535 and, for an IPv4 address, four " +
                    "numbers from 0 to 255, e.g. 127.0.0.1:40456");
            }
        }
        if (!addressed)
        {
            problems.add("names no endpoint (" + PREFIX + "endpoint=HOST:PORT)");
        }
        return problems;
    }

    /**
     * A problem for each host of {@code channel}'s endpoint and control addresses that does not resolve (asks the
     * name service); for a channel the process binds, where Aeron would refuse it only after its driver started.
     */
    public static List<String> unresolvedHosts(final String channel)
    {
        final List<String> problems = new ArrayList<>();
        if (!channel.startsWith(PREFIX))
        {
            return problems;
        }
        for (final String parameter : channel.substring(PREFIX.length()).split("\\|"))
        {
            final String address = value(parameter);
            final int colon = address.lastIndexOf(':');
            if (!isAddress(key(parameter)) || colon <= 0)
            {
                continue;
            }
            final String host = address.substring(0, colon).replace("[", "").replace("]", "");
            try
            {
                InetAddress.getByName(host);
            }
            catch (final UnknownHostException ex)
            {
                problems.add(key(parameter) + " host '" + host + "' does not resolve");
            }
        }
        return problems;
    }

    private static boolean isAddress(final String key)
    {
        return key.equals("endpoint") || key.equals("control");
    }

    private static String key(final String parameter)
    {
        final int equals = parameter.indexOf('=');
        return equals < 0 ? parameter : parameter.substring(0, equals);
    }

    private static String value(final String parameter)
    {
        final int equals = parameter.indexOf('=');
        return equals < 0 ? "" : parameter.substring(equals + 1);
    }
}
