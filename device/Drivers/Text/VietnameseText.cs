using System.Globalization;
using System.Text;

namespace Edge.Device.Drivers.Text;

/// <summary>Vietnamese text for devices whose fonts lack its letters.</summary>
public static class VietnameseText
{
    /// <summary>
    /// Vietnamese without diacritics: đ → d, Đ → D, every other letter decomposed (FormD) and its combining marks
    /// dropped ("Bộ phận Một cửa" → "Bo phan Mot cua"). Other text passes through unchanged.
    /// </summary>
    public static string FoldToAscii(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string decomposed = text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(c);
            }
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The form Windows-1258 can encode: base letters with circumflex, breve or horn precomposed (â ê ô ă ơ ư),
    /// tone marks (grave, acute, tilde, hook above, dot below) left as combining characters after them.
    /// "Việt" becomes "Vie\u0302\u0323t" → "Viê" + U+0323 + "t". Precomposed tone letters such as "ệ" are not in the code page.
    /// </summary>
    public static string ToWindows1258Form(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string decomposed = text.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        var cluster = new StringBuilder();
        var tones = new StringBuilder();

        void Flush()
        {
            result.Append(cluster.ToString().Normalize(NormalizationForm.FormC)).Append(tones);
            cluster.Clear();
            tones.Clear();
        }

        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                Flush();
                cluster.Append(c);
            }
            else if (IsTone(c))
            {
                tones.Append(c);
            }
            else
            {
                cluster.Append(c);
            }
        }

        Flush();
        return result.ToString();
    }

    private static bool IsTone(char c) => c is '\u0300' or '\u0301' or '\u0303' or '\u0309' or '\u0323';
}
