package io.pitgun.perf.loadgen;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One open-loop run of {@code pitgun loadgen} at a fixed rate, and what it measured. */
public final class LoadgenRun
{
    /** How envelopes reach the gateway. */
    public enum Mode
    {
        /** {@code POST /beacon} with a JSON envelope. */
        http,
        /** WebSocket text messages, one JSON envelope each. */
        ws,
        /** WebSocket binary messages, one SBE frame each. */
        ws_binary
    }

    /**
     * What to send, where, how fast and for how long.
     *
     * @param target            the gateway's base URL.
     * @param rate              envelopes per second, all connections together.
     * @param duration          how long to send.
     * @param connections       HTTP clients or WebSocket connections the sends are spread over.
     * @param framesPerEnvelope frames in each envelope.
     * @param samplesPerFrame   samples in each frame (sim.v1 channels).
     * @param mode              how envelopes reach the gateway.
     * @param drain             how long to wait for answers after the last send; also the request timeout.
     */
    public record Settings(URI target, double rate, Duration duration, int connections, int framesPerEnvelope,
        int samplesPerFrame, Mode mode, Duration drain, String token)
    {
        /** Without a token: for a gateway without a token file. */
        public Settings(final URI target, final double rate, final Duration duration, final int connections,
            final int framesPerEnvelope, final int samplesPerFrame, final Mode mode, final Duration drain)
        {
            this(target, rate, duration, connections, framesPerEnvelope, samplesPerFrame, mode, drain, null);
        }

        /** {@code Authorization} value the sends present, or null. */
        String authorization()
        {
            return token == null ? null : "Bearer " + token;
        }

        @Override
        public String toString()
        {
            // Never the secret: settings end up in logs and reports.
            return "Settings[target=" + target + ", rate=" + rate + ", duration=" + duration + ", connections=" +
                connections + ", mode=" + mode + ", token=" + (token == null ? "none" :
                token.substring(0, Math.max(0, token.indexOf('.'))) + ".***") + "]";
        }

        long envelopes()
        {
            return Math.max(1, (long)Math.ceil(rate * duration.toNanos() / 1e9));
        }
    }

    /**
     * The outcome: latencies of accepted envelopes from their intended send time, refusals by cause.
     *
     * @param sent         envelopes sent.
     * @param accepted     envelopes the target accepted.
     * @param latencyNs    latency of each accepted envelope from its intended send time, in nanoseconds.
     * @param intervals    the same latencies in one-second intervals (for an interval log).
     * @param errors       refused or failed envelopes by cause.
     * @param achievedRate accepted envelopes per second.
     * @param startMs      wall-clock start of the run, epoch milliseconds.
     * @param endMs        wall-clock end of the run, epoch milliseconds.
     */
    public record Result(long sent, long accepted, Histogram latencyNs, List<Histogram> intervals,
        Map<String, Long> errors, double achievedRate, long startMs, long endMs)
    {
        /** @return refused or failed envelopes, all causes together. */
        public long errorCount()
        {
            long n = 0;
            for (final long v : errors.values())
            {
                n += v;
            }
            return n;
        }
    }

    private LoadgenRun()
    {
    }

    /**
     * Sends {@code settings.envelopes()} envelopes on the open-loop schedule and waits for the answers.
     *
     * @param settings what to send, where and how fast.
     * @return what was measured.
     * @throws Exception when the target cannot be reached at all (answers, refusals included, are counted).
     */
    public static Result run(final Settings settings) throws Exception
    {
        final LoadgenPayloads payloads = new LoadgenPayloads(ParameterRegistry.simV1(), settings.framesPerEnvelope(),
            settings.samplesPerFrame());
        final long startMs = System.currentTimeMillis();
        final LoadgenRecorder recorder = new LoadgenRecorder(startMs);
        final long envelopes = settings.envelopes();
        final long startNs;
        try (LoadgenTransport transport = transport(settings, payloads, recorder, envelopes))
        {
            startNs = OpenLoopSchedule.run(transport, recorder, settings.rate(), envelopes, settings.connections(),
                settings.drain().toNanos());
        }
        final long endMs = System.currentTimeMillis();
        final Histogram total = recorder.total();
        final long last = recorder.lastAnswerNs();
        final double seconds = last > startNs ? (last - startNs) / 1e9 : settings.duration().toNanos() / 1e9;
        return new Result(envelopes, total.getTotalCount(), total, recorder.intervals(), recorder.errors(),
            total.getTotalCount() / Math.max(seconds, 1e-3), startMs, endMs);
    }

    private static LoadgenTransport transport(final Settings settings, final LoadgenPayloads payloads,
        final LoadgenRecorder recorder, final long envelopes) throws Exception
    {
        final Duration timeout = settings.drain();
        switch (settings.mode())
        {
            case http:
                return new HttpLoadgenTransport(settings.target(), settings.connections(), payloads, recorder, timeout,
                    settings.authorization());
            case ws:
            case ws_binary:
                final long perConnection = envelopes / settings.connections() + 1;
                return new WebSocketLoadgenTransport(settings.target(), settings.connections(), perConnection,
                    settings.mode() == Mode.ws_binary, payloads, recorder, timeout, settings.authorization());
            default:
                throw new IllegalStateException("unknown mode " + settings.mode());
        }
    }
}
