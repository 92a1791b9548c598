package io.pitgun.codecs.envelope;

/**
 * Checks an RFC 3339 date-time in place, exactly as the envelope schema's pattern and {@code format: date-time}
 * do together: {@code YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]}, with a real calendar day (leap years included)
 * no leap second and no
 * "unknown" offset {@code -00:00}. Allocation-free.
 */
final class Rfc3339Timestamp
{
    private Rfc3339Timestamp()
    {
    }

    static boolean isValid(final byte[] buffer, final int offset, final int length)
    {
        if (length < 20)
        {
            return false;
        }
        final int year = digits(buffer, offset, 4);
        final int month = digits(buffer, offset + 5, 2);
        final int day = digits(buffer, offset + 8, 2);
        final int hour = digits(buffer, offset + 11, 2);
        final int minute = digits(buffer, offset + 14, 2);
        final int second = digits(buffer, offset + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
            hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
            buffer[offset + 4] != '-' || buffer[offset + 7] != '-' ||
            buffer[offset + 13] != ':' || buffer[offset + 16] != ':')
        {
            return false;
        }
        final byte t = buffer[offset + 10];
        if (t != 'T' && t != 't')
        {
            return false;
        }
        int p = offset + 19;
        final int end = offset + length;
        if (buffer[p] == '.')
        {
            p++;
            final int fractionStart = p;
            while (p < end && isDigit(buffer[p]))
            {
                p++;
            }
            final int fractionDigits = p - fractionStart;
            if (fractionDigits < 1 || fractionDigits > 9)
            {
                return false;
            }
        }
        if (p >= end)
        {
            return false;
        }
        final byte zone = buffer[p];
        if (zone == 'Z' || zone == 'z')
        {
            return p + 1 == end;
        }
        if ((zone == '+' || zone == '-') && p + 6 == end)
        {
            final int offsetHours = digits(buffer, p + 1, 2);
            final int offsetMinutes = digits(buffer, p + 4, 2);
            // RFC 3339 4.3: "-00:00" means "offset unknown"; format validators refuse it, and so do we.
            final boolean unknownOffset = zone == '-' && offsetHours == 0 && offsetMinutes == 0;
            return buffer[p + 3] == ':' && offsetHours >= 0 && offsetHours <= 23 &&
                offsetMinutes >= 0 && offsetMinutes <= 59 && !unknownOffset;
        }
        return false;
    }

    private static int digits(final byte[] buffer, final int offset, final int count)
    {
        int value = 0;
        for (int i = 0; i < count; i++)
        {
            final byte b = buffer[offset + i];
            if (!isDigit(b))
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    private static int daysInMonth(final int year, final int month)
    {
        switch (month)
        {
            case 2:
                return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }
}
