using System.Globalization;
using System.Text;

namespace Edge.Device.Hall;

/// <summary>
/// Numbers as they are said in Vietnamese, written out so the synthesiser reads them the way the centre chose:
/// digit by digit ("không một hai") or as a number ("mười hai", "hai mươi mốt", "một trăm linh năm").
/// </summary>
public static class VietnameseNumbers
{
    private static readonly string[] Digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

    /// <summary>Each digit as a word: "012" → "không một hai".</summary>
    public static string DigitByDigit(string digits) =>
        string.Join(' ', digits.Where(char.IsAsciiDigit).Select(c => Digits[c - '0']));

    /// <summary>0-999,999 as a number: 12 → "mười hai", 1005 → "một nghìn không trăm linh năm".</summary>
    public static string AsNumber(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 999_999);
        if (n < 1000)
        {
            return Hundreds(n, full: false);
        }

        var words = new StringBuilder(Hundreds(n / 1000, full: false)).Append(" nghìn");
        if (n % 1000 != 0)
        {
            words.Append(' ').Append(Hundreds(n % 1000, full: true));
        }

        return words.ToString();
    }

    /// <summary>0-999; <paramref name="full"/> says the hundreds even when zero (after "nghìn": "không trăm linh năm").</summary>
    private static string Hundreds(int n, bool full)
    {
        var hundreds = n / 100;
        var rest = n % 100;
        if (hundreds == 0 && !full)
        {
            return Tens(rest);
        }

        var words = $"{Digits[hundreds]} trăm";
        if (rest == 0)
        {
            return words;
        }

        return rest < 10 ? $"{words} linh {Digits[rest]}" : $"{words} {Tens(rest)}";
    }

    /// <summary>0-99: "mười", "mười lăm", "hai mươi", "hai mươi mốt", "hai mươi tư", "hai mươi lăm".</summary>
    private static string Tens(int n)
    {
        if (n < 10)
        {
            return Digits[n];
        }

        var tens = n / 10;
        var unit = n % 10;
        var head = tens == 1 ? "mười" : $"{Digits[tens]} mươi";
        var tail = unit switch
        {
            0 => null,
            1 when tens > 1 => "mốt",
            4 when tens > 1 => "tư",
            5 => "lăm",
            _ => Digits[unit],
        };
        return tail is null ? head : $"{head} {tail}";
    }

    /// <summary>The digits of a string as an int, or null (none, or too many).</summary>
    public static int? ValueOf(string digits)
    {
        var only = new string(digits.Where(char.IsAsciiDigit).ToArray());
        return only.Length is > 0 and <= 6 ? int.Parse(only, CultureInfo.InvariantCulture) : null;
    }
}
