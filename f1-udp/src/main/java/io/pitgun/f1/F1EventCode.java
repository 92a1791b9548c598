package io.pitgun.f1;

/**
 * The event packet's four ASCII letters ({@code m_eventStringCode}) as the little-endian u32 the decoder reads and
 * the {@code Event_Code} channel carries: the first letter is the lowest byte ({@code "SSTA"} is
 * {@code 'S' | 'S' << 8 | 'T' << 16 | 'A' << 24}).
 */
public final class F1EventCode
{
    /** {@code SSTA}. */
    public static final int SESSION_STARTED = 1096045395;
    /** {@code SEND}. */
    public static final int SESSION_ENDED = 1145980243;
    /** {@code FTLP}. */
    public static final int FASTEST_LAP = 1347179590;
    /** {@code RTMT}. */
    public static final int RETIREMENT = 1414354002;
    /** {@code DRSE}. */
    public static final int DRS_ENABLED = 1163088452;
    /** {@code DRSD}. */
    public static final int DRS_DISABLED = 1146311236;
    /** {@code TMPT}. */
    public static final int TEAM_MATE_IN_PITS = 1414548820;
    /** {@code CHQF}. */
    public static final int CHEQUERED_FLAG = 1179732035;
    /** {@code RCWN}. */
    public static final int RACE_WINNER = 1314341714;
    /** {@code PENA}. */
    public static final int PENALTY = 1095648592;
    /** {@code SPTP}. */
    public static final int SPEED_TRAP = 1347702867;
    /** {@code STLG}. */
    public static final int START_LIGHTS = 1196184659;
    /** {@code LGOT}. */
    public static final int LIGHTS_OUT = 1414481740;
    /** {@code DTSV}. */
    public static final int DRIVE_THROUGH_SERVED = 1448301636;
    /** {@code SGSV}. */
    public static final int STOP_GO_SERVED = 1448298323;
    /** {@code FLBK}. */
    public static final int FLASHBACK = 1262636102;
    /** {@code BUTN}. */
    public static final int BUTTON_STATUS = 1314149698;
    /** {@code RDFL}. */
    public static final int RED_FLAG = 1279673426;
    /** {@code OVTK}. */
    public static final int OVERTAKE = 1263818319;
    /** {@code SCAR}. */
    public static final int SAFETY_CAR = 1380008787;
    /** {@code COLL}. */
    public static final int COLLISION = 1280069443;

    private F1EventCode()
    {
    }

    /** The code of four ASCII letters, e.g. {@code of("FTLP")} (cold path). */
    public static int of(final String letters)
    {
        if (letters.length() != 4)
        {
            throw new IllegalArgumentException("an event code is four letters: " + letters);
        }
        return letters.charAt(0) | letters.charAt(1) << 8 | letters.charAt(2) << 16 | letters.charAt(3) << 24;
    }

    /** The four letters of a code (cold path: tools and tests). */
    public static String letters(final int code)
    {
        final char[] c = { (char)(code & 0xFF), (char)(code >>> 8 & 0xFF), (char)(code >>> 16 & 0xFF), (char)(code >>> 24) };
        return new String(c);
    }
}
