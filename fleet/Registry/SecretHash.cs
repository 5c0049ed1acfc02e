using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Fleet.Registry;

/// <summary>
/// Salted hashes of secrets. People's passwords: PBKDF2-SHA256, stored as <c>pbkdf2-sha256${iterations}${salt}${hash}</c>
/// so that the iteration count can change without invalidating what is stored. Device secrets (256 random bits):
/// one salted SHA-256, stored as <c>sha256${salt}${hash}</c> (<see cref="HashKey"/>). Verification reads the scheme
/// from what is stored (both are accepted wherever either is), and is constant-time.
/// </summary>
public static class SecretHash
{
    /// <summary>
    /// People's passwords: low entropy, guessable, checked only at login: OWASP's 2023 figure for PBKDF2-SHA256.
    /// </summary>
    public const int PasswordIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const string KeyScheme = "sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(secret, salt, iterations);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// The stored form of a device secret: 256 random bits (<see cref="NewSecret"/>), which no iteration count makes
    /// harder to guess (iterations only slow down guessing low-entropy passwords from a stolen hash), so one salted
    /// SHA-256. Every MQTT connect after a fleet restart checks one (thousands of devices reconnect at once): PBKDF2
    /// of 10,000 iterations, used before, cost ~3 ms each, 30 CPU-seconds for 10,000 devices (issue 14). Hashes stored
    /// that way still verify (<see cref="Verify"/>).
    /// </summary>
    public static string HashKey(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return string.Join('$', KeyScheme, Convert.ToBase64String(salt), Convert.ToBase64String(DeriveKey(secret, salt)));
    }

    public static bool Verify(string secret, string? stored)
    {
        var parts = stored?.Split('$');
        if (parts is [KeyScheme, var keySaltText, var keyHashText])
        {
            return TryDecode(keySaltText, keyHashText, out var keySalt, out var keyExpected)
                && CryptographicOperations.FixedTimeEquals(DeriveKey(secret, keySalt), keyExpected);
        }

        if (parts is not [Scheme, var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < 1
            || !TryDecode(saltText, hashText, out var salt, out var expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(secret, salt, iterations), expected);
    }

    private static bool TryDecode(string saltText, string hashText, out byte[] salt, out byte[] hash)
    {

        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
            return true;
        }
        catch (FormatException)
        {
            salt = hash = [];
            return false;
        }
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

    private static byte[] DeriveKey(string secret, byte[] salt) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(secret)]);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
