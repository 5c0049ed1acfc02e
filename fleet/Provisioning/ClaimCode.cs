using System.Security.Cryptography;
using System.Text;
using Edge.Fleet.Registry;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// One-time claim codes a technician types on a Pi: 8 characters shown as <c>ABCD-EFGH</c>, from an alphabet
/// without the look-alikes 0/O, 1/I/L (31 symbols, about 40 bits). Typing is forgiving: case, spaces and dashes
/// do not matter. Only a hash of the code is stored, so a copy of the registry does not hand out live codes.
/// </summary>
public static class ClaimCode
{
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int Length = 8;

    public static string New()
    {
        var chars = new char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    /// <summary>The code as stored: upper case, separators removed; null when it cannot be a claim code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }

        var builder = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper) || builder.Length == Length)
            {
                return null;
            }

            builder.Append(upper);
        }

        return builder.Length == Length ? builder.ToString() : null;
    }

    /// <summary>Storage key of a normalized code.</summary>
    public static string Key(string normalized) => SecretHash.TokenId("claim:" + normalized);
}
