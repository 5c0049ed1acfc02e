using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Fleet.Registry;

/// <summary>
/// Device secrets this node has already checked against a device's stored hash, so that a device connecting again
/// with the same secret costs one SHA-256 instead of the stored hash's check: for a secret hashed before
/// <see cref="SecretHash.HashKey"/> (PBKDF2 of 10,000 iterations, ~3 ms on this project's test machine: 30 CPU-seconds for a
/// reconnect storm of 10,000 devices, more than the rest of the storm's work; issue 14). An entry holds the stored hash it was checked against and a SHA-256 of the secret, never
/// the secret: a new secret (a new salted hash) or another secret misses and is checked the slow way, and a
/// device's state (retired, replaced) is still read from the registry at every connect.
/// </summary>
public sealed class VerifiedSecrets
{
    private readonly ConcurrentDictionary<string, Entry> _byDevice = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="secret"/> was verified against <paramref name="storedHash"/> before.</summary>
    public bool AreKnown(string deviceId, string storedHash, string secret) =>
        _byDevice.TryGetValue(deviceId, out var entry)
        && string.Equals(entry.StoredHash, storedHash, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(entry.Digest, Digest(secret));

    /// <summary>Remembers that <paramref name="secret"/> matches <paramref name="storedHash"/> (just verified against it).</summary>
    public void Remember(string deviceId, string storedHash, string secret) => _byDevice[deviceId] = new Entry(storedHash, Digest(secret));

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private sealed record Entry(string StoredHash, byte[] Digest);
}
