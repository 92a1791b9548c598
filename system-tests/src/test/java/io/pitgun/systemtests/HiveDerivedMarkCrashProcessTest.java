package io.pitgun.systemtests;

import io.pitgun.scaleout.EdgeId;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hive's {@code derived.complete} mark (docs/scale-out.md, <i>Restart</i>) through {@code kill -9} of a real
 * {@code pitgun hive}: an edge gateway ships a journal to it, then, round after round, the hive is started on that
 * data directory with the edge's output to derive again (its mark deleted, its output cut short or one byte of it
 * flipped in place, at random) and killed at a moment of the derivation, each in turn: a random part of the output
 * written, all of it written (its mark maybe not yet), or marked. After each kill, a mark on disk describes the whole output (the length and
 * SHA-256 of {@code pitgun journal replay --edge-positions} of the hive's journal, a derivation from scratch), and the
 * output is a prefix of it or still the file the round started with: never a half output a mark vouches for. After
 * the rounds, a hive started and stopped leaves the whole output, marked.
 *
 * <p>{@code -Dpitgun.hive.mark.seed=N} replays a schedule (the seed is printed; process timing still varies);
 * {@code -Dpitgun.hive.mark.mode=long} runs {@value #LONG_ROUNDS} rounds instead of {@value #SHORT_ROUNDS}.
 */
class HiveDerivedMarkCrashProcessTest
{
    private static final int SHORT_ROUNDS = 4;
    private static final int LONG_ROUNDS = 40;
    /** Frames the edge ships: enough that deriving them again takes a while (the output is megabytes). */
    private static final int BATCHES = 24;
    private static final int FRAMES_PER_BATCH = 1_000;
    private static final Duration HELD_TIMEOUT = Duration.ofSeconds(120);
    private static final String MARK_OUTPUT_BYTES = "output_bytes=";
    private static final String MARK_OUTPUT_SHA256 = "output_sha256=";

    /** Where a round kills the hive, once it is deriving the edge again. */
    private enum Moment
    {
        /** When the output has reached a random part of its whole length. */
        PART_WRITTEN,
        /** When the output has its whole length: the mark may or may not be written yet. */
        ALL_WRITTEN,
        /** When the mark is there. */
        MARKED
    }

    /** How a round makes the hive derive the edge again when its output is marked whole. */
    private enum Spoil
    {
        DELETE_MARK,
        CUT_OUTPUT_SHORT,
        FLIP_A_BYTE
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES) // the long mode's; the short one is bounded below
    void shouldNeverLeaveAMarkOnAnythingButTheWholeOutputWhateverMomentTheHiveIsKilled()
    {
        final boolean longMode = "long".equals(System.getProperty("pitgun.hive.mark.mode", "short")
            .toLowerCase(Locale.ROOT));
        final int rounds = longMode ? LONG_ROUNDS : SHORT_ROUNDS;
        final long seed = Long.getLong("pitgun.hive.mark.seed", new Random().nextLong());
        System.out.println("HiveDerivedMarkCrashProcessTest: seed " + seed + " (-Dpitgun.hive.mark.seed=" + seed +
            "), " + rounds + " rounds");
        assertTimeoutPreemptively(longMode ? Duration.ofMinutes(40) : Duration.ofMinutes(6),
            () -> killRounds(rounds, new Random(seed)));
    }

    private void killRounds(final int rounds, final Random random) throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + ShippingChaosTest.freeUdpPort();
        final Path hiveData = dir.resolve("hive");
        final Path edgeData = dir.resolve("edge");
        shipOneEdge(channel, hiveData, edgeData, BATCHES);
        final HiveConfig config = HiveConfig.of(channel, hiveData);
        final String edgeId = EdgeId.loadOrCreate(edgeData).toString();
        final Path output = config.edgeDerivedFile(edgeId);
        final Path mark = config.edgeDerivedMark(edgeId);

        // A derivation from scratch: the replay of the hive's journal of the edge, by edge position.
        final Path replayed = dir.resolve("replayed.jsonl");
        final InProcessCli replay = InProcessCli.run("journal", "replay", "--edge-positions", "--manifest",
            ShippingChaosTest.MANIFEST.toString(), "--out", replayed.toString(),
            config.edgeJournal(edgeId).toString());
        assertEquals(0, replay.exitCode(), replay.out() + replay.err());
        final byte[] whole = Files.readAllBytes(replayed);
        assertTrue(whole.length > 0, "the replay derived nothing");
        assertWholeAndMarked(whole, output, mark, "after the shipping hive stopped");

        final Map<Moment, Integer> killsAt = new EnumMap<>(Moment.class);
        final Map<String, Integer> leftAtKill = new HashMap<>();
        for (int round = 0; round < rounds; round++)
        {
            if (Files.exists(mark))
            {
                spoil(Spoil.values()[random.nextInt(Spoil.values().length)], output, mark, random);
            }
            final byte[] before = Files.exists(output) ? Files.readAllBytes(output) : null;
            final FileTime modifiedBefore = modified(output);
            final Moment moment = Moment.values()[round % Moment.values().length];
            final long partBytes = 1 + random.nextInt(whole.length - 1);
            final HiveProcess hive = HiveProcess.launch(hiveData, channel);
            final String context = "round " + round + ", kill when " + moment;
            try
            {
                // Nothing but a derivation writes the output, and it deletes the mark before it truncates the file.
                Await.until(context + ": the hive derives the edge again", HiveProcess.START_TIMEOUT,
                    () -> !modified(output).equals(modifiedBefore) || !alive(hive));
                Await.until(context, HiveProcess.START_TIMEOUT, () -> !alive(hive) || switch (moment)
                {
                    case PART_WRITTEN -> size(output) >= partBytes;
                    case ALL_WRITTEN -> size(output) == whole.length;
                    case MARKED -> Files.exists(mark);
                });
                assertTrue(alive(hive), context + ": the hive exited\n" + hive.logs());
            }
            finally
            {
                hive.kill9();
            }
            killsAt.merge(moment, 1, Integer::sum);
            leftAtKill.merge((size(output) < whole.length ? "part" : "whole") + (Files.exists(mark) ? " marked" :
                " unmarked"), 1, Integer::sum);
            assertNoMarkOnAPartialOutput(whole, before, output, mark, context + "\n" + hive.logs());
        }

        final HiveProcess last = HiveProcess.start(hiveData, channel);
        try
        {
            Await.until("the last hive marked the edge's output", HiveProcess.START_TIMEOUT, () -> Files.exists(mark));
        }
        finally
        {
            last.close();
        }
        assertWholeAndMarked(whole, output, mark, "after the last hive stopped\n" + last.logs());
        System.out.printf(Locale.ROOT, "HiveDerivedMarkCrashProcessTest: %d rounds, output %d bytes, kills %s, " +
            "the output left %s; PASS%n", rounds, whole.length, killsAt, leftAtKill);
    }

    /**
     * A hive and an edge gateway ({@code pitgun gateway --ship-to CHANNEL GATEWAY_ARGS...}) shipping it a session of
     * {@code batches} batches, both stopped once the hive holds the edge's whole journal.
     */
    static void shipOneEdge(final String channel, final Path hiveData, final Path edgeData, final int batches,
        final String... gatewayArgs) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--ship-to", channel));
        args.addAll(List.of(gatewayArgs));
        try (HiveProcess hive = HiveProcess.start(hiveData, channel);
             GatewayProcess edge = GatewayProcess.start(edgeData, args.toArray(String[]::new)))
        {
            final UUID session = UUID.randomUUID();
            assertEquals(202, edge.beacon(Envelopes.sessionStart(UUID.randomUUID(), session)).statusCode());
            for (int i = 0; i < batches; i++)
            {
                assertEquals(202, edge.beacon(Envelopes.batch(UUID.randomUUID(), session,
                    (long)i * FRAMES_PER_BATCH, FRAMES_PER_BATCH)).statusCode(), edge.logs());
            }
            final long last = ShippingChaosTest.lastIndex(edgeData.resolve("journal"));
            final Path hiveJournal = HiveConfig.of(channel, hiveData).edgeJournal(EdgeId.loadOrCreate(edgeData)
                .toString());
            try
            {
                Await.until("the hive holds the edge's journal up to " + last, HELD_TIMEOUT, () ->
                    Files.isDirectory(hiveJournal) && ShippingChaosTest.heldIndexWhileWritten(hiveJournal) == last);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "\n" + edge.logs() + hive.logs(), ex);
            }
        }
    }

    /** Makes the edge's whole, marked output one the next hive derives again. */
    private static void spoil(final Spoil how, final Path output, final Path mark, final Random random)
        throws IOException
    {
        final byte[] bytes = Files.readAllBytes(output);
        switch (how)
        {
            case DELETE_MARK -> Files.delete(mark);
            case CUT_OUTPUT_SHORT -> Files.write(output, Arrays.copyOf(bytes, random.nextInt(bytes.length)));
            case FLIP_A_BYTE ->
            {
                bytes[random.nextInt(bytes.length)] ^= 0x20;
                Files.write(output, bytes, StandardOpenOption.WRITE); // in place: its length kept
            }
        }
    }

    /**
     * After a kill: a mark on disk names the whole output's length and SHA-256 (so a hive trusts it only over the
     * whole output), and the output is a prefix of the whole one (a derivation cut short) or the file the round
     * started with (killed before it was truncated).
     */
    private static void assertNoMarkOnAPartialOutput(final byte[] whole, final byte[] before, final Path output,
        final Path mark, final String context) throws Exception
    {
        if (Files.exists(mark))
        {
            assertMarkNames(whole, mark, context);
        }
        if (Files.exists(output))
        {
            final byte[] now = Files.readAllBytes(output);
            assertTrue(Arrays.equals(now, before) || now.length <= whole.length &&
                Arrays.equals(now, 0, now.length, whole, 0, now.length),
                "the output (" + now.length + " bytes) is neither a prefix of the whole output (" + whole.length +
                    " bytes) nor what the round started with; " + context);
        }
    }

    private static void assertWholeAndMarked(final byte[] whole, final Path output, final Path mark,
        final String context) throws Exception
    {
        assertArrayEquals(whole, Files.readAllBytes(output), "the hive's derived output " + context);
        assertMarkNames(whole, mark, context);
    }

    private static void assertMarkNames(final byte[] whole, final Path mark, final String context) throws Exception
    {
        final String text = Files.readString(mark);
        assertTrue(text.contains("\n" + MARK_OUTPUT_BYTES + whole.length + "\n"),
            "the mark names another length than the whole output's " + whole.length + ":\n" + text + context);
        assertTrue(text.contains("\n" + MARK_OUTPUT_SHA256 + sha256(whole) + "\n"),
            "the mark names another SHA-256 than the whole output's:\n" + text + context);
    }

    private static String sha256(final byte[] bytes) throws NoSuchAlgorithmException
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static long size(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.size(file) : -1;
    }

    /** The file's modification time, or the epoch when there is no file. */
    private static FileTime modified(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
    }

    private static boolean alive(final HiveProcess hive)
    {
        return ProcessHandle.of(hive.pid()).map(ProcessHandle::isAlive).orElse(false);
    }
}
