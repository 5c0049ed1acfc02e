using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Fleet.Registry;

/// <summary>
/// Salted PBKDF2-SHA256 hashes of secrets, stored as <c>pbkdf2-sha256${iterations}${salt}${hash}</c> so that the
/// iteration count can change without invalidating what is stored. Verification is constant-time.
/// </summary>
public static class SecretHash
{
    /// <summary>
    /// People's passwords: low entropy, guessable, checked only at login: OWASP's 2023 figure for PBKDF2-SHA256.
    /// </summary>
    public const int PasswordIterations = 600_000;

    /// <summary>
    /// Device secrets: 256 random bits, which no iteration count makes harder to guess (iterations only slow down
    /// guessing low-entropy passwords from a stolen hash). Every MQTT connect pays this, and a fleet restart makes
    /// thousands of devices reconnect at once: 10,000 iterations (a few ms) instead of 600,000 (~0.2 s) keeps that
    /// reconnect storm at tens of CPU-seconds instead of tens of CPU-minutes.
    /// </summary>
    public const int DeviceSecretIterations = 10_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(secret, salt, iterations);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string secret, string? stored)
    {
        var parts = stored?.Split('$');
        if (parts is not [Scheme, var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(saltText);
            expected = Convert.FromBase64String(hashText);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(secret, salt, iterations), expected);
    }

    /// <summary>A new random secret of 256 bits, URL-safe base64 without padding (43 characters).</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// SHA-256 of a high-entropy token (API and session tokens), hex: tokens are looked up by this on every request,
    /// so they are not salted; their 256 random bits make a stolen table of these useless to invert.
    /// </summary>
    public static string TokenId(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
