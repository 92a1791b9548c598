package io.pitgun.perf.wrk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The {@code GatewayWrk} block of {@code docs/performance.md} from the summary {@link GatewayWrkMain} writes: per
 * (frames per envelope, connections) the gateway's and the bare server's requests/s, their ratio, the latency
 * percentiles of each, the non-2xx answers and whether the gateway journaled every frame it acknowledged; then the
 * verdict on issue 15's gateway targets, met or not, with the figures. Pure: text in, Markdown out.
 *
 * <p>The summary's lines: an optional {@code # settings ...} line, then one {@code point server=gateway|bare
 * frames=F connections=C threads=T [acked_frames=A journaled_frames=J rejections=R] <wrk's keys>} line per wrk
 * run ({@link WrkResult}; R is the gateway's refusals by reason, {@code overload:12,...} or {@code none}). A
 * summary whose first line starts with {@code not measured:} (no wrk on the machine) becomes a block
 * saying so. A {@code # labels gateway=NAME, bare=NAME} line names the two servers in the headings, and the verdict
 * on issue 15 (whose baseline is the bare server) gives way to the cost of the "gateway" side against the "bare" one.
 * A labels line naming other servers (the TLS run: {@code jdk=..., openssl=..., plain=...}) is rendered by
 * {@link GatewayWrkComparison}: every server side by side against the last one.
 * <p>
 * Points of a third server, {@code server=journaling} (the bare server journaling each body before it answers), add
 * the journaling floor: its requests/s against the bare server's and the gateway's against it, and, where a
 * requests/s target is not met, whether journaling alone already stays below that target on this machine. Points of
 * {@code server=decoding} (the same server decoding each body with Pitgun's decoder and journaling the frames) add
 * the decoding floor the same way; where the p50 target is not met, the verdict gives each floor's p50 against it.
 */
public final class GatewayWrkTable
{
    /** Issue 15: the gateway's requests/s with one-frame envelopes, as a share of the bare server's, at every point. */
    static final double ONE_FRAME_MIN_RATIO = 0.70;
    /** Issue 15: the same with larger envelopes (100 frames). */
    static final double MANY_FRAMES_MIN_RATIO = 0.50;
    /** Issue 15: the gateway's p50 at most this many times the bare server's ... */
    static final double P50_MAX_RATIO = 2.0;
    /** ... at this many connections. */
    static final int P50_CONNECTIONS = 4;

    /** The journaling bare server's {@code server=} key. */
    static final String FLOOR = "journaling";
    /** The decoding bare server's {@code server=} key: it decodes each body and journals the frames. */
    static final String DECODING_FLOOR = "decoding";

    private static final String NOT_MEASURED = "not measured:";
    private static final String LABELS = "# labels ";
    private static final String POINT = "point ";

    /** One server's run at one point, with the gateway's journal check (-1 when not taken: the bare server) and the
     *  CPU it and wrk used (null in a summary from before the CPU was read). */
    record Run(String server, int frames, int connections, int threads, WrkResult wrk, long ackedFrames,
        long journaledFrames, String rejections, Cpu cpu)
    {
        /** @return the point this run measured, e.g. {@code 100x4}: what runs of different servers are paired by. */
        String point()
        {
            return frames + "x" + connections;
        }

        /** @return the server's CPU microseconds per answer, all its threads. */
        double serverCpuPerRequest()
        {
            return cpu.serverTotalUs() / (double)Math.max(1, wrk.requests());
        }

        /** @return wrk's CPU microseconds per answer. */
        double wrkCpuPerRequest()
        {
            return cpu.wrkUs() / (double)Math.max(1, wrk.requests());
        }

        /** @return the share of the machine the server and wrk used together during the run. */
        double machineBusy()
        {
            return (cpu.serverTotalUs() + cpu.wrkUs()) / ((double)cpu.cores() * wrk.durationUs());
        }
    }

    /**
     * CPU used during one run ({@link ThreadCpu}).
     *
     * @param serverUs the server's thread CPU microseconds by {@link ThreadCpu.Role#ordinal()}.
     * @param wrkUs    wrk's CPU microseconds.
     * @param cores    the machine's cores.
     */
    record Cpu(long[] serverUs, long wrkUs, int cores)
    {
        long serverTotalUs()
        {
            long total = 0;
            for (final long us : serverUs)
            {
                total += us;
            }
            return total;
        }
    }

    /**
     * Both servers at one point, and the journaling and decoding bare servers' runs there (each null when not
     * measured).
     */
    record Point(int frames, int connections, Run gateway, Run bare, Run floor, Run decoding)
    {
        double ratio()
        {
            return gateway.wrk().requestsPerSecond() / bare.wrk().requestsPerSecond();
        }

        double p50Ratio()
        {
            return (double)gateway.wrk().p50Us() / Math.max(1, bare.wrk().p50Us());
        }

        /** A floor's requests/s as a share of the bare server's. */
        double ratioOf(final Run floorRun)
        {
            return floorRun.wrk().requestsPerSecond() / bare.wrk().requestsPerSecond();
        }

        /** The gateway's requests/s as a share of a floor's. */
        double gatewayTo(final Run floorRun)
        {
            return gateway.wrk().requestsPerSecond() / floorRun.wrk().requestsPerSecond();
        }

        /** A floor's p50 as a multiple of the bare server's. */
        double p50RatioOf(final Run floorRun)
        {
            return (double)floorRun.wrk().p50Us() / Math.max(1, bare.wrk().p50Us());
        }
    }

    /** One floor: its key, its run at a point, and what its table says it is. */
    private enum Floor
    {
        JOURNALING(FLOOR, Point::floor, "journaling alone", "The journaling floor: the bare server appending each body as it " +
            "came to a Chronicle queue on its event loop before it answers (one document per request, Pitgun's " +
            "pretoucher ahead of it on a thread of its own) and doing nothing else — the least any ingress that " +
            "journals what it accepts pays on this machine. A 100-frame body (about 20.5 KB of JSON) is about as " +
            "many bytes as the gateway journals for it (about 19 KB of SBE records). It is a floor where CPU " +
            "bounds the requests/s (many connections, or large bodies); one closed-loop connection measures the " +
            "round trip instead, where the journaling server can even beat the bare one."),
        DECODING(DECODING_FLOOR, Point::decoding, "decoding and journaling alone", "The decoding floor: the same server, but " +
            "before it answers its event loop decodes each body with Pitgun's envelope decoder (the gateway's, " +
            "sim.v1: every field and sample checked) and appends the SBE frames to the Chronicle queue as one " +
            "document, and does nothing else: no ring, no hand-over to another thread, no manifest, no " +
            "idempotency, no event identity in the journal — the least any ingress that checks its JSON and " +
            "journals the frames pays on this machine with this decoder.");

        final String key;
        private final Function<Point, Run> run;
        final String alone;
        final String intro;

        Floor(final String key, final Function<Point, Run> run, final String alone, final String intro)
        {
            this.key = key;
            this.run = run;
            this.alone = alone;
            this.intro = intro;
        }

        /** Its run at {@code p}, or null when it did not run there. */
        Run of(final Point p)
        {
            return run.apply(p);
        }
    }

    private GatewayWrkTable()
    {
    }

    /**
     * The block's Markdown.
     *
     * @param text the summary {@link GatewayWrkMain} wrote.
     * @return the table and the verdict.
     * @throws IllegalArgumentException when the text has no complete point and no {@code not measured:} line.
     */
    public static String render(final String text)
    {
        final String trimmed = text.strip();
        if (trimmed.startsWith(NOT_MEASURED))
        {
            // An earlier run's table is dropped on purpose: a figure from another day must not pass for this run's.
            return "**Not measured in this run:** " + trimmed.substring(NOT_MEASURED.length()).strip() + "\n";
        }
        String settings = null;
        final Map<String, String> labels = new LinkedHashMap<>();
        final List<Run> runs = new ArrayList<>();
        for (final String line : trimmed.split("\n"))
        {
            if (line.startsWith(LABELS))
            {
                for (final String label : line.substring(LABELS.length()).split(","))
                {
                    final String[] kv = label.strip().split("=", 2);
                    if (kv.length == 2)
                    {
                        labels.put(kv[0].strip(), kv[1].strip());
                    }
                }
            }
            else if (line.startsWith("# "))
            {
                settings = line.substring(2).strip();
            }
            else if (line.startsWith(POINT))
            {
                runs.add(run(line.substring(POINT.length())));
            }
        }
        if (!labels.isEmpty() && !labels.keySet().equals(Set.of("gateway", "bare")))
        {
            return GatewayWrkComparison.render(settings, labels, runs);
        }
        final String gatewayLabel = labels.get("gateway");
        final String bareLabel = labels.get("bare");
        final List<Point> points = pair(runs);
        if (points.isEmpty())
        {
            throw new IllegalArgumentException("no point measured on both the gateway and the bare server (and no " +
                "'not measured:' line)");
        }
        final StringBuilder sb = new StringBuilder();
        if (settings != null)
        {
            sb.append("Settings: ").append(settings).append(".\n\n");
        }
        final boolean labelled = gatewayLabel != null && bareLabel != null;
        final String g0 = labelled ? gatewayLabel : "gateway";
        final String b0 = labelled ? bareLabel : "bare";
        sb.append("| frames/envelope | connections | " + g0 + " req/s | " + b0 + " req/s | ratio | " + g0 +
            " p50 / p99 / p99.9 | " + b0 + " p50 / p99 / p99.9 | p50 ratio | " + g0 + " frames/s | non-2xx " + g0 +
            " / " + b0 + " | journaled ≥ acknowledged |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (final Point p : points)
        {
            final WrkResult g = p.gateway().wrk();
            final WrkResult b = p.bare().wrk();
            sb.append("| ").append(p.frames()).append(" | ").append(p.connections())
                .append(" | ").append(rate(g.requestsPerSecond())).append(" | ").append(rate(b.requestsPerSecond()))
                .append(" | ").append(percent(p.ratio()))
                .append(" | ").append(latencies(g)).append(" | ").append(latencies(b))
                .append(" | ").append(String.format(Locale.ROOT, "%.1f×", p.p50Ratio()))
                .append(" | ").append(rate(g.requestsPerSecond() * p.frames()))
                .append(" | ").append(errors(g))
                .append(p.gateway().rejections().equals("none") ? "" : " (" + p.gateway().rejections() + ")")
                .append(" / ").append(errors(b))
                .append(" | ").append(journal(p.gateway())).append(" |\n");
        }
        boolean allCpu = true;
        for (final Point p : points)
        {
            allCpu &= p.gateway().cpu() != null && p.bare().cpu() != null;
        }
        if (labelled)
        {
            // Not issue 15's baseline: the two sides are both gateways; say what the first costs against the second.
            final StringJoiner cost = new StringJoiner("; ");
            for (final Point p : points)
            {
                cost.add(String.format(Locale.ROOT, "%d×%d: %s of the requests/s, p50 %.1f×", p.frames(),
                    p.connections(), percent(p.ratio()), p.p50Ratio()));
            }
            sb.append('\n').append(g0).append(" against ").append(b0).append(" (frames × connections): ")
                .append(cost).append(".\n");
            return sb.toString();
        }
        if (allCpu)
        {
            sb.append('\n').append(cpuTable(points));
        }
        for (final Floor floor : Floor.values())
        {
            if (points.stream().anyMatch(p -> floor.of(p) != null))
            {
                sb.append('\n').append(floorTable(points, floor));
            }
        }
        sb.append('\n').append(verdict(points));
        return sb.toString();
    }

    /** The verdict on issue 15's targets, one bullet each. */
    static String verdict(final List<Point> points)
    {
        final StringBuilder sb = new StringBuilder("Verdict on issue 15's gateway targets (ratios from this run):\n\n");
        ratioTarget(sb, points, true, ONE_FRAME_MIN_RATIO, "one-frame envelopes");
        ratioTarget(sb, points, false, MANY_FRAMES_MIN_RATIO, "larger envelopes");
        final StringJoiner p50 = new StringJoiner("; ");
        boolean p50Met = true;
        for (final Point p : points)
        {
            if (p.connections() == P50_CONNECTIONS)
            {
                p50Met &= p.p50Ratio() <= P50_MAX_RATIO;
                p50.add(String.format(Locale.ROOT, "%d-frame %s vs %s (%.1f×)", p.frames(),
                    micros(p.gateway().wrk().p50Us()), micros(p.bare().wrk().p50Us()), p.p50Ratio()));
            }
        }
        sb.append("- p50 ≤ ").append(String.format(Locale.ROOT, "%.0f", P50_MAX_RATIO))
            .append("× the bare server's at ")
            .append(P50_CONNECTIONS).append(" connections: ")
            .append(p50.length() == 0 ? "**not measured** (no point at " + P50_CONNECTIONS + " connections)" :
                (p50Met ? "**met**: " : "**NOT met**: ") + p50)
            .append('\n');
        floorP50Verdict(sb, points);
        cpuVerdict(sb, points);
        for (final Floor floor : Floor.values())
        {
            floorVerdict(sb, points, floor);
        }
        long missing = 0;
        long gatewayErrors = 0;
        long bareErrors = 0;
        final StringJoiner reasons = new StringJoiner("; ", " (the gateway's refusals by reason: ", ")");
        reasons.setEmptyValue("");
        for (final Point p : points)
        {
            missing += Math.max(0, p.gateway().ackedFrames() - p.gateway().journaledFrames());
            gatewayErrors += p.gateway().wrk().non2xx() + p.gateway().wrk().socketErrors();
            if (!p.gateway().rejections().equals("none"))
            {
                reasons.add(p.frames() + "×" + p.connections() + "c " + p.gateway().rejections());
            }
            bareErrors += p.bare().wrk().non2xx() + p.bare().wrk().socketErrors();
        }
        sb.append("- every acknowledged frame journaled (the gateway's `pitgun_frames_journaled_total` against wrk's ")
            .append("2xx × frames): ").append(missing == 0 ? "**yes**" : "**NO**: " + missing + " frames missing")
            .append("\n- non-2xx answers and socket errors: gateway ").append(gatewayErrors).append(", bare ")
            .append(bareErrors).append(reasons).append('\n');
        return sb.toString();
    }

    private static void ratioTarget(final StringBuilder sb, final List<Point> points, final boolean oneFrame,
        final double min, final String what)
    {
        Point worst = null;
        final StringJoiner all = new StringJoiner(", ");
        for (final Point p : points)
        {
            if ((p.frames() == 1) == oneFrame)
            {
                all.add(p.frames() + "×" + p.connections() + "c " + percentDown(p.ratio()));
                worst = worst == null || p.ratio() < worst.ratio() ? p : worst;
            }
        }
        sb.append("- ≥ ").append(percent(min)).append(" of the bare server's requests/s at every point with ")
            .append(what).append(": ");
        if (worst == null)
        {
            sb.append("**not measured**\n");
            return;
        }
        sb.append(worst.ratio() >= min ? "**met**" : "**NOT met**").append(String.format(Locale.ROOT,
            " (worst: %d-frame envelopes, %d connections, %s vs %s req/s = %s; all points, frames × " +
                "connections: %s)\n",
            worst.frames(), worst.connections(), rate(worst.gateway().wrk().requestsPerSecond()),
            rate(worst.bare().wrk().requestsPerSecond()), percentDown(worst.ratio()), all));
    }

    /**
     * Pairs each gateway run with the bare run at the same point, in the gateway runs' order, with the journaling
     * bare server's run there if there is one.
     */
    static List<Point> pair(final List<Run> runs)
    {
        final Map<String, Run> bare = byPoint(runs, "bare");
        final Map<String, Run> floor = byPoint(runs, FLOOR);
        final Map<String, Run> decoding = byPoint(runs, DECODING_FLOOR);
        final List<Point> points = new ArrayList<>();
        for (final Run r : runs)
        {
            final String key = r.point();
            final Run b = bare.get(key);
            if (r.server().equals("gateway") && b != null)
            {
                points.add(new Point(r.frames(), r.connections(), r, b, floor.get(key), decoding.get(key)));
            }
        }
        return points;
    }

    private static Map<String, Run> byPoint(final List<Run> runs, final String server)
    {
        final Map<String, Run> byPoint = new LinkedHashMap<>();
        for (final Run r : runs)
        {
            if (r.server().equals(server))
            {
                byPoint.put(r.point(), r);
            }
        }
        return byPoint;
    }

    /**
     * A floor's table: at each point where it ran, its requests/s and p50 against the bare server's, the gateway's
     * requests/s against it, and its CPU per request.
     */
    private static String floorTable(final List<Point> points, final Floor floor)
    {
        final String k = floor.key;
        final StringBuilder sb = new StringBuilder(floor.intro).append("\n\n");
        sb.append("| frames/envelope | connections | " + k + " req/s | " + k + " / bare | gateway / " + k + " | " + k +
            " p50 / p99 | " + k + " p50 / bare p50 | " + k + " CPU µs/req (loop / pretouch) | non-2xx " + k + " |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final Point p : points)
        {
            final Run f = floor.of(p);
            if (f == null)
            {
                continue;
            }
            sb.append("| ").append(p.frames()).append(" | ").append(p.connections())
                .append(" | ").append(rate(f.wrk().requestsPerSecond()))
                .append(" | ").append(percent(p.ratioOf(f)))
                .append(" | ").append(percent(p.gatewayTo(f)))
                .append(" | ").append(micros(f.wrk().p50Us())).append(" / ").append(micros(f.wrk().p99Us()))
                .append(" | ").append(String.format(Locale.ROOT, "%.1f×", p.p50RatioOf(f)))
                .append(" | ").append(f.cpu() == null ? "not read" : floorCpu(f))
                .append(" | ").append(errors(f.wrk())).append(" |\n");
        }
        return sb.toString();
    }

    private static String floorCpu(final Run f)
    {
        final double requests = Math.max(1, f.wrk().requests());
        final long[] us = f.cpu().serverUs();
        return String.format(Locale.ROOT, "%.1f (%.1f / %.1f)", f.serverCpuPerRequest(),
            us[ThreadCpu.Role.EVENT_LOOP.ordinal()] / requests, us[ThreadCpu.Role.PRETOUCH.ordinal()] / requests);
    }

    /**
     * For each point below its requests/s target with the floor measured: whether the floor alone already stays
     * below the target there (then no gateway that does that much reaches it on this machine), and the floor's CPU
     * per request against what the target allows it (above that, it stays below the target however the work is
     * spread over threads).
     */
    private static void floorVerdict(final StringBuilder sb, final List<Point> points, final Floor floor)
    {
        final StringJoiner missed = new StringJoiner("; ");
        for (final Point p : points)
        {
            final Run f = floor.of(p);
            if (f == null || p.ratio() >= target(p))
            {
                continue;
            }
            missed.add(String.format(Locale.ROOT, "%d×%dc: %s %s of the bare server (%s req/s), %s " +
                    "the %s target%s; the gateway %s of it", p.frames(), p.connections(), floor.alone,
                percent(p.ratioOf(f)), rate(f.wrk().requestsPerSecond()), p.ratioOf(f) < target(p) ? "below" :
                    "not below", percent(target(p)), f.cpu() == null ? "" : String.format(Locale.ROOT,
                    ", at %.1f µs of CPU per request where the target allows ≤ %.1f", f.serverCpuPerRequest(),
                    budgetUs(p, f)), percent(p.gatewayTo(f))));
        }
        if (missed.length() > 0)
        {
            sb.append("- the ").append(floor.key).append(" floor where a requests/s target is not met (see its " +
                "table): ").append(missed).append('\n');
        }
    }

    /**
     * For each point of the p50 target that misses it with a floor measured: each floor's p50 against the bare
     * server's, and whether it is already above the target (then no gateway that does that much meets it here).
     */
    private static void floorP50Verdict(final StringBuilder sb, final List<Point> points)
    {
        final StringJoiner missed = new StringJoiner("; ");
        for (final Point p : points)
        {
            if (p.connections() != P50_CONNECTIONS || p.p50Ratio() <= P50_MAX_RATIO)
            {
                continue;
            }
            final StringJoiner floors = new StringJoiner(", ");
            for (final Floor floor : Floor.values())
            {
                final Run f = floor.of(p);
                if (f != null)
                {
                    floors.add(String.format(Locale.ROOT, "%s %s (%.1f×, %s the %.0f× target)", floor.alone,
                        micros(f.wrk().p50Us()), p.p50RatioOf(f), p.p50RatioOf(f) > P50_MAX_RATIO ? "above" :
                            "within", P50_MAX_RATIO));
                }
            }
            if (floors.length() > 0)
            {
                missed.add(p.frames() + "-frame: " + floors);
            }
        }
        if (missed.length() > 0)
        {
            sb.append("- the floors' p50 where the p50 target is not met: ").append(missed).append('\n');
        }
    }

    static Run run(final String line)
    {
        final Map<String, String> values = WrkResult.keyValues(line);
        final String server = values.get("server");
        if (server == null || !server.matches("[a-z]+"))
        {
            throw new IllegalArgumentException("point without server=NAME (gateway, bare, or a labels line's): " +
                line);
        }
        try
        {
            return new Run(server, Integer.parseInt(values.get("frames")), Integer.parseInt(values.get("connections")),
                Integer.parseInt(values.get("threads")), WrkResult.of(values),
                Long.parseLong(values.getOrDefault("acked_frames", "-1")),
                Long.parseLong(values.getOrDefault("journaled_frames", "-1")),
                values.getOrDefault("rejections", "none"), cpu(values));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("point with a missing or bad frames/connections/threads: " + line, ex);
        }
    }

    /** The run's CPU words, or null when the summary has none (a summary written before they were read). */
    private static Cpu cpu(final Map<String, String> values)
    {
        if (!values.containsKey("wrk_cpu_us"))
        {
            return null;
        }
        final long[] serverUs = new long[ThreadCpu.Role.values().length];
        for (final ThreadCpu.Role role : ThreadCpu.Role.values())
        {
            serverUs[role.ordinal()] = Long.parseLong(values.get(role.key));
        }
        return new Cpu(serverUs, Long.parseLong(values.get("wrk_cpu_us")), Integer.parseInt(values.get("cores")));
    }

    /**
     * The CPU-per-request table and, for each point below its requests/s target, the CPU a request may cost the
     * gateway there: at {@code target × bare req/s} the machine's cores must carry the gateway and wrk, so the
     * gateway may spend at most {@code cores / (target × bare req/s) − wrk's CPU per request}.
     */
    static String cpuTable(final List<Point> points)
    {
        final StringBuilder sb = new StringBuilder("CPU per request, from `/proc` around each measured run (all of " +
            "a server's threads; `ThreadCpu`): the gateway's split by thread role, event loop / pipeline / " +
            "pretouch / GC+JIT+VM / other; \"machine busy\" is the server and wrk together over all cores; " +
            "\"budget at the target\" is what a request may cost the gateway for it to reach its requests/s " +
            "target on these cores next to wrk's measured CPU per request.\n\n");
        sb.append("| frames/envelope | connections | gateway CPU µs/req (loop / pipeline / pretouch / runtime / " +
            "other) | bare CPU µs/req | wrk CPU µs/req gateway / bare | machine busy gateway / bare | budget at " +
            "the target |\n");
        sb.append("|---:|---:|---|---:|---:|---:|---|\n");
        for (final Point p : points)
        {
            final Run g = p.gateway();
            final Run b = p.bare();
            final StringJoiner split = new StringJoiner(" / ", " (", ")");
            for (final long us : g.cpu().serverUs())
            {
                split.add(String.format(Locale.ROOT, "%.1f", us / (double)Math.max(1, g.wrk().requests())));
            }
            sb.append("| ").append(p.frames()).append(" | ").append(p.connections())
                .append(" | ").append(String.format(Locale.ROOT, "%.1f", g.serverCpuPerRequest())).append(split)
                .append(" | ").append(String.format(Locale.ROOT, "%.1f", b.serverCpuPerRequest()))
                .append(" | ").append(String.format(Locale.ROOT, "%.1f / %.1f", g.wrkCpuPerRequest(),
                    b.wrkCpuPerRequest()))
                .append(" | ").append(percent(g.machineBusy())).append(" / ").append(percent(b.machineBusy()))
                .append(" | ").append(budget(p)).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * For each point below its requests/s target (with the CPU read): what a request cost the gateway against its
     * budget there, and whether the journal side alone (the pipeline's thread and the pretoucher's page faults,
     * which every journaled frame needs whatever the event loop does) already exceeds the budget.
     */
    private static void cpuVerdict(final StringBuilder sb, final List<Point> points)
    {
        final StringJoiner missed = new StringJoiner("; ");
        for (final Point p : points)
        {
            if (p.ratio() >= target(p) || p.gateway().cpu() == null || p.bare().cpu() == null)
            {
                continue;
            }
            final long[] us = p.gateway().cpu().serverUs();
            final double requests = Math.max(1, p.gateway().wrk().requests());
            final double journalSide = (us[ThreadCpu.Role.PIPELINE.ordinal()] +
                us[ThreadCpu.Role.PRETOUCH.ordinal()]) / requests;
            final double budget = budgetUs(p);
            missed.add(String.format(Locale.ROOT, "%d×%dc spent %.1f µs against ≤ %.1f µs, of which the journal " +
                    "side (pipeline + pretouch) %.1f µs%s", p.frames(), p.connections(),
                p.gateway().serverCpuPerRequest(), budget, journalSide,
                journalSide > budget ? ", over the budget by itself" : ""));
        }
        if (missed.length() > 0)
        {
            sb.append("- CPU per request where a requests/s target is not met (see the CPU table): ").append(missed)
                .append('\n');
        }
    }

    /** The point's requests/s target as a share of the bare server's. */
    private static double target(final Point p)
    {
        return p.frames() == 1 ? ONE_FRAME_MIN_RATIO : MANY_FRAMES_MIN_RATIO;
    }

    /** The gateway CPU microseconds a request may cost for the gateway to reach its target at this point. */
    private static double budgetUs(final Point p)
    {
        return budgetUs(p, p.gateway());
    }

    /**
     * The CPU microseconds a request may cost {@code server} for it to reach the point's target: the machine's cores
     * at {@code target × bare req/s}, less wrk's CPU per request in that server's run.
     */
    private static double budgetUs(final Point p, final Run server)
    {
        return server.cpu().cores() * 1e6 / (target(p) * p.bare().wrk().requestsPerSecond()) -
            server.wrkCpuPerRequest();
    }

    /** What a gateway request may cost at this point's requests/s target, next to what it cost. */
    static String budget(final Point p)
    {
        final double target = target(p);
        return String.format(Locale.ROOT, "%s req/s needs ≤ %.1f µs/req (spent %.1f%s)",
            rate(target * p.bare().wrk().requestsPerSecond()), budgetUs(p), p.gateway().serverCpuPerRequest(),
            p.ratio() >= target ? ", met" : "");
    }

    static String journal(final Run gateway)
    {
        if (gateway.journaledFrames() < 0)
        {
            return "not checked";
        }
        return gateway.journaledFrames() >= gateway.ackedFrames() ?
            "yes (" + gateway.journaledFrames() + " ≥ " + gateway.ackedFrames() + ")" :
            "**NO** (" + gateway.journaledFrames() + " < " + gateway.ackedFrames() + ")";
    }

    static String errors(final WrkResult r)
    {
        return r.socketErrors() == 0 ? Long.toString(r.non2xx()) : r.non2xx() + " (+" + r.socketErrors() + " socket)";
    }

    static String latencies(final WrkResult r)
    {
        return micros(r.p50Us()) + " / " + micros(r.p99Us()) + " / " + micros(r.p999Us());
    }

    static String micros(final long us)
    {
        return us < 1000 ? us + " µs" : String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
    }

    static String rate(final double perSecond)
    {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /**
     * A ratio against a target, in tenths of a percent rounded down: a point just below its target never reads as
     * the target itself (69.97 % is "69.9 %", where {@link #percent} would say "70 %" next to "NOT met").
     */
    static String percentDown(final double ratio)
    {
        return String.format(Locale.ROOT, "%.1f %%", Math.floor(ratio * 1000) / 10);
    }

    static String percent(final double ratio)
    {
        return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }
}
