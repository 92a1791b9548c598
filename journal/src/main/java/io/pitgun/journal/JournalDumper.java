package io.pitgun.journal;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.codecs.frame.FrameValidator;
import io.pitgun.codecs.frame.RecordedDictionary;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.PolicyLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.UUID;

/**
 * Writes journal entries as text: JSON lines (one object per entry, frames through {@link FrameJsonEncoder} with
 * their identifiers) or CSV (frames only, one column per channel found in the selected entries). Entries that are
 * not well-formed messages are skipped and counted, never written half.
 */
public final class JournalDumper
{
    /** Output formats. */
    public enum Format
    {
        /** One JSON object per line: {@code {"index":N,"message":"TelemetryFrame",...}}. */
        JSON,
        /** A header line, then one line per frame; control messages are left out. */
        CSV
    }

    /**
     * What to dump.
     *
     * @param fromIndex first index to include, or {@link Journal#NO_INDEX} for the first entry.
     * @param toIndex   last index to include, or {@link Journal#NO_INDEX} for the last entry.
     * @param session   only entries of this session (frames and session messages), or null for all.
     */
    public record Options(long fromIndex, long toIndex, UUID session, Format format)
    {
        /** Everything, as JSON lines. */
        public static Options all()
        {
            return new Options(Journal.NO_INDEX, Journal.NO_INDEX, null, Format.JSON);
        }
    }

    /**
     * What {@link #dump} did.
     *
     * @param entriesRead    entries read in the index range.
     * @param written        entries written.
     * @param skipped        entries skipped because they are not well-formed messages or unreadable.
     * @param firstBadIndex  index of the first of those, or {@link Journal#NO_INDEX}.
     * @param firstProblem   what is wrong with it, or null.
     * @param stoppedEarly   true if an unreadable entry ended the dump.
     */
    public record Result(long entriesRead, long written, long skipped, long firstBadIndex, String firstProblem,
        boolean stoppedEarly)
    {
    }

    private static final int ROOT = FrameDescriptor.HEADER_LENGTH;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ParameterRegistry registry;
    private final FrameJsonEncoder jsonEncoder;
    /** Per parameter id: whether its samples are written (restricted and internal ones can be left out). */
    private final boolean[] shown = new boolean[65_536];
    private long hiddenSamples;
    private final FrameValidator checker = new FrameValidator();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
    private final SessionStartDecoder sessionStart = new SessionStartDecoder();
    private final SessionEndDecoder sessionEnd = new SessionEndDecoder();
    private final ManifestLoadedDecoder manifestLoaded = new ManifestLoadedDecoder();
    private final PolicyLoadedDecoder policyLoaded = new PolicyLoadedDecoder();
    private final PipelineDrainedDecoder pipelineDrained = new PipelineDrainedDecoder();
    private final ExpandableArrayBuffer line = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);

    /**
     * A dumper naming channels from {@code registry} (channels it does not know are named {@code param_<id>}) that
     * writes every channel, restricted and internal ones included.
     */
    public JournalDumper(final ParameterRegistry registry)
    {
        this(registry, true);
    }

    /**
     * A dumper naming channels from {@code registry}; unless {@code includeRestricted}, the samples of channels the
     * dictionary marks {@code restricted} or {@code internal} are left out of frames (JSON) and columns (CSV), and
     * counted ({@link #hiddenSamples()}). So are channels the dictionary does not know: nothing says they are public
     * (a journal of another dictionary names its restricted channels by ids this one may lack).
     */
    public JournalDumper(final ParameterRegistry registry, final boolean includeRestricted)
    {
        this.registry = registry;
        java.util.Arrays.fill(shown, includeRestricted);
        if (!includeRestricted)
        {
            for (final ParameterDefinition parameter : registry.parameters())
            {
                shown[parameter.id()] = parameter.access() == AccessLevel.PUBLIC;
            }
        }
        this.jsonEncoder = includeRestricted ? new FrameJsonEncoder(registry) :
            new FrameJsonEncoder(registry, id -> null, this::countShown);
    }

    /** Samples of restricted or internal channels left out of what the last {@link #dump} wrote. */
    public long hiddenSamples()
    {
        return hiddenSamples;
    }

    private boolean countShown(final int parameterId)
    {
        if (shown[parameterId])
        {
            return true;
        }
        hiddenSamples++;
        return false;
    }

    /** Dumps the selected entries of {@code journal} to {@code out} (not closed). */
    public Result dump(final Journal journal, final Options options, final OutputStream out,
        final ProgressListener progress) throws IOException
    {
        final Pass pass;
        JournalScan.Outcome columnsRead = null;
        long toIndex = options.toIndex();
        if (options.format() == Format.JSON)
        {
            pass = new JsonPass(options, out);
        }
        else
        {
            final ColumnPass columns = new ColumnPass(options);
            columnsRead = JournalScan.run(journal, options.fromIndex(), options.toIndex(), columns, progress);
            if (columnsRead.failed())
            {
                // Write only what the first pass read: a fault there (a file cut short) must not be read again.
                toIndex = columnsRead.failedIndex() - 1;
            }
            pass = new CsvPass(options, out, columns.ids);
        }
        hiddenSamples = 0;
        JournalScan.Outcome outcome;
        try
        {
            outcome = columnsRead != null && columnsRead.failed() && columnsRead.entries() == 0 ? columnsRead :
                JournalScan.run(journal, options.fromIndex(), toIndex, pass, progress);
            if (columnsRead != null && columnsRead.failed())
            {
                outcome = new JournalScan.Outcome(outcome.entries(), columnsRead.failedIndex(), columnsRead.failure(),
                    columnsRead.firstIndex(), columnsRead.lastIndex());
            }
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        if (outcome.failed())
        {
            pass.bad(outcome.failedIndex(), outcome.failure());
        }
        out.flush();
        return new Result(outcome.entries(), pass.written, pass.skipped, pass.firstBadIndex, pass.firstProblem,
            outcome.failed());
    }

    /** One read of the journal: checks each entry and the session filter, then hands it to {@link #write}. */
    private abstract class Pass implements JournalScanHandler
    {
        final Options options;
        long written;
        long skipped;
        long firstBadIndex = Journal.NO_INDEX;
        String firstProblem;

        Pass(final Options options)
        {
            this.options = options;
        }

        @Override
        public final void onEntry(
            final long index, final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
        {
            if (!checker.validateExactly(buffer, offset, length, FrameValidator.Level.STRUCTURE))
            {
                bad(index, checker.describe());
                return;
            }
            if (options.session() != null && !inSession(buffer, offset, checker.templateId(), options.session()))
            {
                return;
            }
            try
            {
                if (write(index, buffer, offset, checker.templateId()))
                {
                    written++;
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        abstract boolean write(long index, DirectBuffer buffer, int offset, int templateId) throws IOException;

        @Override
        public final void onBadMessage(final long index, final String problem)
        {
            bad(index, problem);
        }

        final void bad(final long index, final String problem)
        {
            skipped++;
            if (firstBadIndex == Journal.NO_INDEX)
            {
                firstBadIndex = index;
                firstProblem = problem;
            }
        }
    }

    private final class JsonPass extends Pass
    {
        private final OutputStream out;

        JsonPass(final Options options, final OutputStream out)
        {
            super(options);
            this.out = out;
        }

        @Override
        boolean write(final long index, final DirectBuffer buffer, final int offset, final int templateId)
            throws IOException
        {
            int p = putAscii(line, 0, "{\"index\":");
            p += line.putLongAscii(p, index);
            p = putAscii(line, p, ",\"message\":\"" + FrameStructure.nameOf(templateId) + "\"");
            header.wrap(buffer, offset);
            switch (templateId)
            {
                case TelemetryFrameDecoder.TEMPLATE_ID:
                {
                    // The encoder writes a whole object; its fields follow ours after a comma instead of a brace.
                    final int end = jsonEncoder.encodeFrame(buffer, offset, scratch, 0, true);
                    line.putByte(p++, (byte)',');
                    line.putBytes(p, scratch, 1, end - 1);
                    p += end - 1;
                    break;
                }
                case SessionStartDecoder.TEMPLATE_ID:
                    sessionStart.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
                    p = putSession(p, sessionStart.sessionId().mostSigBits(), sessionStart.sessionId().leastSigBits(),
                        sessionStart.producerId().mostSigBits(), sessionStart.producerId().leastSigBits(),
                        sessionStart.sourceId(), sessionStart.timestampUs(), sessionStart.label());
                    break;
                case SessionEndDecoder.TEMPLATE_ID:
                    sessionEnd.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
                    p = putSession(p, sessionEnd.sessionId().mostSigBits(), sessionEnd.sessionId().leastSigBits(),
                        sessionEnd.producerId().mostSigBits(), sessionEnd.producerId().leastSigBits(),
                        sessionEnd.sourceId(), sessionEnd.timestampUs(), sessionEnd.label());
                    break;
                case ManifestLoadedDecoder.TEMPLATE_ID:
                {
                    manifestLoaded.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
                    p = putAscii(line, p, ",\"timestamp_us\":");
                    p += line.putLongAscii(p, manifestLoaded.timestampUs());
                    p = putAscii(line, p, ",\"manifest_digest\":\"");
                    for (int i = 0; i < ManifestLoadedDecoder.manifestDigestLength(); i++)
                    {
                        final int b = manifestLoaded.manifestDigest(i);
                        line.putByte(p++, HEX[b >>> 4]);
                        line.putByte(p++, HEX[b & 0xF]);
                    }
                    p = putAscii(line, p, "\",\"manifest_name\":" + jsonString(manifestLoaded.manifestName()) +
                        ",\"dictionary_name\":" + jsonString(manifestLoaded.dictionaryName()) +
                        ",\"dictionary_meaning_sha256\":" + jsonStringOrNull(RecordedDictionary.of(buffer, offset)
                            .meaningSha256Hex()) +
                        ",\"signer_key_id\":" + jsonString(manifestLoaded.signerKeyId()) + "}");
                    break;
                }
                case PolicyLoadedDecoder.TEMPLATE_ID:
                {
                    policyLoaded.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
                    p = putAscii(line, p, ",\"timestamp_us\":");
                    p += line.putLongAscii(p, policyLoaded.timestampUs());
                    p = putAscii(line, p, ",\"policy_digest\":\"");
                    for (int i = 0; i < PolicyLoadedDecoder.policyDigestLength(); i++)
                    {
                        final int b = policyLoaded.policyDigest(i);
                        line.putByte(p++, HEX[b >>> 4]);
                        line.putByte(p++, HEX[b & 0xF]);
                    }
                    p = putAscii(line, p, "\",\"policy_name\":" + jsonString(policyLoaded.policyName()) +
                        ",\"signer_key_id\":" + jsonString(policyLoaded.signerKeyId()) + "}");
                    break;
                }
                case PipelineDrainedDecoder.TEMPLATE_ID:
                    pipelineDrained.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
                    p = putAscii(line, p, ",\"timestamp_us\":");
                    p += line.putLongAscii(p, pipelineDrained.timestampUs());
                    p = putAscii(line, p, "}");
                    break;
                default:
                    return false;
            }
            line.putByte(p++, (byte)'\n');
            out.write(line.byteArray(), 0, p);
            return true;
        }

        private int putSession(
            final int at, final long sessionMsb, final long sessionLsb, final long playerMsb, final long playerLsb,
            final int sourceId, final long timestampUs, final String label)
        {
            int p = putAscii(line, at, ",\"session_id\":\"" + new UUID(sessionMsb, sessionLsb) + "\",\"player_id\":\"" +
                new UUID(playerMsb, playerLsb) + "\",\"source_id\":");
            p += line.putIntAscii(p, sourceId);
            p = putAscii(line, p, ",\"timestamp_us\":");
            p += line.putLongAscii(p, timestampUs);
            p = putAscii(line, p, ",\"label\":" + jsonString(label) + "}");
            return p;
        }
    }

    /** First CSV pass: which channels occur in the selected frames. */
    private final class ColumnPass extends Pass
    {
        final BitSet ids = new BitSet(65_536);

        ColumnPass(final Options options)
        {
            super(options);
        }

        @Override
        boolean write(final long index, final DirectBuffer buffer, final int offset, final int templateId)
        {
            if (templateId == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                wrapFrame(buffer, offset);
                for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
                {
                    if (shown[sample.parameterId()])
                    {
                        ids.set(sample.parameterId());
                    }
                }
            }
            return false;
        }
    }

    private final class CsvPass extends Pass
    {
        private final OutputStream out;
        private final int[] columnOf = new int[65_536];
        private final long[] values;
        private final ValueType[] types;
        private final boolean[] present;
        private final StringBuilder row = new StringBuilder(512);

        CsvPass(final Options options, final OutputStream out, final BitSet ids) throws IOException
        {
            super(options);
            this.out = out;
            final int columns = ids.cardinality();
            values = new long[columns];
            types = new ValueType[columns];
            present = new boolean[columns];
            final StringBuilder headerLine =
                new StringBuilder("index,session_id,player_id,source_id,sequence,timestamp_us,lap_number,sector");
            int column = 0;
            for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1))
            {
                columnOf[id] = column++;
                final ParameterDefinition definition = registry.byId(id);
                headerLine.append(',').append(definition != null ? definition.name() : "param_" + id);
            }
            out.write(headerLine.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        boolean write(final long index, final DirectBuffer buffer, final int offset, final int templateId)
            throws IOException
        {
            if (templateId != TelemetryFrameDecoder.TEMPLATE_ID)
            {
                return false;
            }
            wrapFrame(buffer, offset);
            row.setLength(0);
            row.append(index).append(',')
                .append(new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits())).append(',')
                .append(new UUID(frame.producerId().mostSigBits(), frame.producerId().leastSigBits())).append(',')
                .append(frame.sourceId()).append(',')
                .append(Long.toUnsignedString(frame.sequence())).append(',')
                .append(frame.timestampUs()).append(',');
            if (frame.lapNumber() != TelemetryFrameDecoder.lapNumberNullValue())
            {
                row.append(frame.lapNumber());
            }
            row.append(',');
            if (frame.sector() != TelemetryFrameDecoder.sectorNullValue())
            {
                row.append(frame.sector());
            }
            java.util.Arrays.fill(present, false);
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                if (!countShown(sample.parameterId()))
                {
                    continue;
                }
                final int column = columnOf[sample.parameterId()];
                values[column] = sample.value();
                types[column] = sample.valueType();
                present[column] = true;
            }
            for (int column = 0; column < values.length; column++)
            {
                row.append(',');
                if (present[column])
                {
                    appendValue(row, types[column], values[column]);
                }
            }
            out.write(row.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            return true;
        }
    }

    private void wrapFrame(final DirectBuffer buffer, final int offset)
    {
        header.wrap(buffer, offset);
        frame.wrap(buffer, offset + ROOT, header.blockLength(), header.version());
    }

    private boolean inSession(final DirectBuffer buffer, final int offset, final int templateId, final UUID session)
    {
        final int at;
        switch (templateId)
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                at = offset + FrameDescriptor.SESSION_MSB;
                break;
            case SessionStartDecoder.TEMPLATE_ID:
            case SessionEndDecoder.TEMPLATE_ID:
                at = offset + FrameDescriptor.MARKER_SESSION_MSB;
                break;
            default:
                return false;
        }
        return buffer.getLong(at, FrameDescriptor.ORDER) == session.getMostSignificantBits() &&
            buffer.getLong(at + Long.BYTES, FrameDescriptor.ORDER) == session.getLeastSignificantBits();
    }

    /** Same spelling as the JSON dump: shortest round-trip text for floats, true/false, empty for non-finite. */
    private static void appendValue(final StringBuilder row, final ValueType type, final long bits)
    {
        switch (type)
        {
            case BOOL:
                row.append(bits != 0);
                break;
            case F64:
            {
                final double value = Double.longBitsToDouble(bits);
                if (Double.isFinite(value))
                {
                    row.append(value);
                }
                break;
            }
            case F32:
            {
                final double value = Double.longBitsToDouble(bits);
                if (Double.isFinite(value))
                {
                    row.append((float)value);
                }
                break;
            }
            default:
                row.append(bits);
                break;
        }
    }

    private static int putAscii(final ExpandableArrayBuffer buffer, final int at, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.putBytes(at, bytes);
        return at + bytes.length;
    }

    /** {@link #jsonString}, or {@code null} (an entry written before the field existed). */
    private static String jsonStringOrNull(final String text)
    {
        return text == null ? "null" : jsonString(text);
    }

    private static String jsonString(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
