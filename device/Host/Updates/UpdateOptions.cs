using Edge.Device.Configuration;
using Edge.Hosting;
using Edge.Wire;

namespace Edge.Device.Updates;

/// <summary>Host updates (section <c>Updates</c>; device/Updates/README.md).</summary>
public sealed class UpdateOptions : ICheckedOptions
{
    public const string Section = "Updates";

    /// <summary>
    /// The install root (releases/, current, state/). Set by the launcher (<c>Updates__InstallRoot</c>) for the host
    /// it starts; empty when the host runs on its own, and then every offered update is refused with that reason.
    /// </summary>
    public string InstallRoot { get; set; } = "";

    /// <summary>The release signing public key the device trusts: PEM, or base64 SubjectPublicKeyInfo on one line (ECDSA P-256).</summary>
    public string TrustedPublicKey { get; set; } = "";

    /// <summary>How long a new version has, from its start, to confirm its health (uplink connected, loops alive).</summary>
    public TimeSpan HealthyWithin { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Largest archive the device downloads.</summary>
    public long MaxArchiveBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Deadline of one download attempt.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Download attempts (network errors, 5xx) before the update is refused.</summary>
    public int DownloadAttempts { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(TrustedPublicKey))
        {
            using var key = ReleaseSignature.ImportPublicKey(TrustedPublicKey, out var error);
            if (key is null)
            {
                yield return $"{Section}:TrustedPublicKey {error}";
            }
        }

        if (HealthyWithin < TimeSpan.FromSeconds(5) || HealthyWithin > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:HealthyWithin must be 00:00:05-01:00:00 (got {HealthyWithin})";
        }

        if (MaxArchiveBytes is < 1024 or > 4L * 1024 * 1024 * 1024)
        {
            yield return $"{Section}:MaxArchiveBytes must be 1 KiB-4 GiB (got {MaxArchiveBytes})";
        }

        if (DownloadTimeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:DownloadTimeout must be positive (got {DownloadTimeout})";
        }

        if (DownloadAttempts is < 1 or > 100)
        {
            yield return $"{Section}:DownloadAttempts must be 1-100 (got {DownloadAttempts})";
        }
    }
}
