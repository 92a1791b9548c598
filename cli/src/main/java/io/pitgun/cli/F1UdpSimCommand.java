package io.pitgun.cli;

import io.pitgun.replay.ReplayInputException;
import io.pitgun.replay.ReplayTarget;
import io.pitgun.replay.f1.F1SessionPackets;
import io.pitgun.replay.f1.F1UdpSimulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/**
 * {@code pitgun f1-udp-sim}: sends a simulated F1 25 session over UDP at the game's rates, as the game would to a
 * telemetry app, so that {@code pitgun gateway --udp} can be tried and tested without the game (docs/f1.md).
 */
@Command(
    name = "f1-udp-sim",
    mixinStandardHelpOptions = true,
    description = {
        "Send a simulated F1 25 session to a gateway as the game's UDP telemetry (packet format 2025).",
        "Motion, car telemetry, lap data and car status at 60 Hz, session at 2 Hz, events (SSTA, FTLP, SEND); the",
        "cars are Pitgun's car simulator on its Monza-like circuit, the player is car 0. See docs/f1.md."
    },
    exitCodeList = {"0:sent for the duration, or stopped (SIGTERM/SIGINT)", "1:the packets could not be sent"})
final class F1UdpSimCommand implements Callable<Integer>
{
    /** The longest session the gateway believes ({@code bad_time} above): a day of session time. */
    private static final double MAX_DURATION_S = 86_400;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", defaultValue = "127.0.0.1:20777", paramLabel = "HOST:PORT",
        description = "Where to send (the gateway's --udp address; default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--duration", defaultValue = "60", paramLabel = "SECONDS",
        description = "Session length in seconds of session time, sent in real time (default: ${DEFAULT-VALUE}).")
    double durationS;

    @Option(names = "--cars", defaultValue = "1", paramLabel = "N",
        description = "Cars on track, 1 to 22 (default: ${DEFAULT-VALUE}).")
    int cars;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "FACTOR",
        description = "Send the session this many times faster than real time (default: ${DEFAULT-VALUE}, the " +
            "game's own pace).")
    double speed;

    @Option(names = "--seed", defaultValue = "2025", description = "Seed of the cars' driver variation; also the " +
        "session's sessionUID (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call()
    {
        final int colon = target.lastIndexOf(':');
        // Written so that NaN fails each test; a session longer than a day the gateway drops as bad_time.
        if (colon <= 0 || !(durationS > 0 && durationS <= MAX_DURATION_S) || !(speed > 0) || cars < 1 || cars > 22)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --target HOST:PORT, --duration > 0 " +
                "(at most " + (long)MAX_DURATION_S + " s, a day), --speed > 0 and --cars 1..22");
        }
        final InetSocketAddress address;
        try
        {
            // The port's rules, as replay and loadgen state them.
            final ReplayTarget parsed = ReplayTarget.parse(target);
            address = new InetSocketAddress(parsed.host(), parsed.port());
        }
        catch (final ReplayInputException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final F1UdpSimulator simulator = new F1UdpSimulator(address, seed, cars, durationS, speed);
        spec.commandLine().getOut().println("pitgun f1-udp-sim: sending " + durationS + " s of " + cars +
            " car(s) to " + target + " at " + F1SessionPackets.TICK_HZ + " Hz" +
            (speed == 1 ? "" : " of session time, " + speed + "x real time") + " (sessionUID " +
            Long.toUnsignedString(simulator.sessionUid()) + ")");
        spec.commandLine().getOut().flush();
        final long packets = simulator.run();
        spec.commandLine().getOut().println("pitgun f1-udp-sim: sent " + packets + " packets, " +
            simulator.bytesSent() + " bytes");
        return 0;
    }
}
