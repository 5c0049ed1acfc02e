namespace Edge.Wire;

/// <summary>
/// Host updates (wire v1): the fleet offers a release on <c>edge/v1/{device}/update</c> (retained, so a device that
/// connects later still gets it; an empty retained payload withdraws it). The device downloads the archive over
/// the fleet's HTTP and reports its progress there (see fleet/Releases/README.md).
/// </summary>
public static class UpdateTopics
{
    public static string Offer(string deviceId) => $"{Topics.Root}/{deviceId}/update";

    public static bool IsOffer(string topic, string deviceId) => topic == Offer(deviceId);
}

/// <summary>
/// Payload of <c>edge/v1/{device}/update</c>. <see cref="Token"/> authorises this device, for this rollout, to
/// download <see cref="Url"/> and to post its <see cref="UpdateReport"/>s to <see cref="ReportUrl"/>
/// (<c>Authorization: Bearer {token}</c>); the topic's ACL keeps it to the device.
/// </summary>
public sealed record UpdateOffer(
    string RolloutId,
    string Version,
    string Sha256,
    long Size,
    string Signature,
    string Url,
    string ReportUrl,
    string Token)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ReleaseManifest Manifest => new(Version, Sha256, Size);
}

/// <summary>What a device says about an offered update (POSTed to <see cref="UpdateOffer.ReportUrl"/>).</summary>
public sealed record UpdateReport(string RolloutId, string Version, string State, string? Reason, string HostVersion, DateTimeOffset At);

/// <summary>The states of one device in a rollout, in the order they normally come.</summary>
public static class UpdateStates
{
    /// <summary>Not offered yet (waiting for its stage or its centre's maintenance window), or offered and not yet acted on.</summary>
    public const string Pending = "pending";

    public const string Downloading = "downloading";

    /// <summary>Verified, unpacked beside the running version, switched to, restarting into its trial.</summary>
    public const string Installed = "installed";

    /// <summary>The new version confirmed its health within the deadline; the launcher kept it.</summary>
    public const string Healthy = "healthy";

    /// <summary>The new version crashed or did not confirm its health in time; the device is back on its previous version.</summary>
    public const string RolledBack = "rolled-back";

    /// <summary>The device would not install it (bad signature, hash or size, no room...): nothing was installed.</summary>
    public const string Refused = "refused";

    public static bool IsValid(string? state) => state is Pending or Downloading or Installed or Healthy or RolledBack or Refused;

    /// <summary>A state the device will not leave for this rollout by itself.</summary>
    public static bool IsFinal(string state) => state is Healthy or RolledBack or Refused;
}
