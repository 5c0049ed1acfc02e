using System.Security.Cryptography;
using System.Text;

namespace Edge.Wire;

/// <summary>
/// HMAC-SHA256 with the centre key over the device id, the path and the body of a LAN request; an answer is signed over
/// the request's signature and its own body, so it cannot be replayed for another request. Compared in constant time.
/// </summary>
public static class LanSignature
{
    /// <summary>Shortest centre key accepted (bytes).</summary>
    public const int MinKeyBytes = 16;

    public static string OfRequest(byte[] key, string deviceId, string path, ReadOnlySpan<byte> body) =>
        Sign(key, $"req\n{deviceId}\n{path}\n", body);

    public static string OfAnswer(byte[] key, string requestSignature, ReadOnlySpan<byte> body) =>
        Sign(key, $"ans\n{requestSignature}\n", body);

    public static bool Matches(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    private static string Sign(byte[] key, string head, ReadOnlySpan<byte> body)
    {
        var headBytes = Encoding.UTF8.GetBytes(head);
        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(headBytes.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(key, message));
    }
}
