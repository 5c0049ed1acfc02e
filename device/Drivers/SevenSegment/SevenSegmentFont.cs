namespace Edge.Device.Drivers.SevenSegment;

/// <summary>
/// Characters for 7-segment displays, as segment bytes with bit 0 = A … bit 6 = G and bit 7 = decimal point
/// (the TM1637 order; <c>Max7219</c> converts to its own).
/// </summary>
/// <remarks>
/// <code>
///    A
///  F   B
///    G
///  E   C
///    D   DP
/// </code>
/// </remarks>
public static class SevenSegmentFont
{
    /// <summary>Decimal point (or colon on clock modules).</summary>
    public const byte DecimalPoint = 0x80;

    private static readonly byte[] Hex =
    [
        0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, // 0-7
        0x7F, 0x6F, 0x77, 0x7C, 0x39, 0x5E, 0x79, 0x71, // 8-9, A, b, C, d, E, F
    ];

    private const byte Minus = 0x40;
    private const byte Blank = 0x00;

    /// <summary>The segments of one character: 0-9, A-F (either case), '-', ' '.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The character cannot be shown on 7 segments.</exception>
    public static byte Encode(char c) => c switch
    {
        >= '0' and <= '9' => Hex[c - '0'],
        >= 'A' and <= 'F' => Hex[c - 'A' + 10],
        >= 'a' and <= 'f' => Hex[c - 'a' + 10],
        '-' => Minus,
        ' ' => Blank,
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Only 0-9, A-F, '-' and blank have 7-segment forms."),
    };

    /// <summary>
    /// The segments of <paramref name="text"/>, one byte per character; a '.' lights the decimal point of the
    /// character before it ("12.5" is 3 bytes). "1023" and "A023" show as written.
    /// </summary>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<byte>(text.Length);
        foreach (char c in text)
        {
            if (c == '.' && segments.Count > 0 && (segments[^1] & DecimalPoint) == 0)
            {
                segments[^1] |= DecimalPoint;
            }
            else if (c == '.')
            {
                segments.Add(DecimalPoint);
            }
            else
            {
                segments.Add(Encode(c));
            }
        }

        return segments.ToArray();
    }

    /// <summary>
    /// <paramref name="text"/> encoded and right-aligned in <paramref name="width"/> digits, blank-padded on the left,
    /// as counters show numbers.
    /// </summary>
    /// <exception cref="ArgumentException">The text needs more than <paramref name="width"/> digits.</exception>
    public static byte[] EncodeRightAligned(string text, int width)
    {
        byte[] encoded = Encode(text);
        if (encoded.Length > width)
        {
            throw new ArgumentException($"\"{text}\" needs {encoded.Length} digits; the display has {width}.", nameof(text));
        }

        var padded = new byte[width];
        encoded.CopyTo(padded, width - encoded.Length);
        return padded;
    }

    /// <summary>What a segment byte looks like as text: the character, then '.' if the point is lit; '?' if it is no character of this font.</summary>
    public static string Decode(byte segments)
    {
        byte shape = (byte)(segments & ~DecimalPoint);
        char c = shape switch
        {
            Blank => ' ',
            Minus => '-',
            _ => Array.IndexOf(Hex, shape) is var i and >= 0 ? "0123456789ABCDEF"[i] : '?',
        };
        return (segments & DecimalPoint) != 0 ? c + "." : c.ToString();
    }

    /// <summary>What a row of segment bytes looks like as text.</summary>
    public static string Decode(ReadOnlySpan<byte> segments)
    {
        var text = new System.Text.StringBuilder(segments.Length);
        foreach (byte s in segments)
        {
            text.Append(Decode(s));
        }

        return text.ToString();
    }
}
