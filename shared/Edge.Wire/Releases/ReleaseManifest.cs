namespace Edge.Wire;

/// <summary>
/// What a signed release of the device host is: its version, the SHA-256 (lower-case hex) and the size in bytes of
/// its archive (<c>edge-device-{version}.tar.gz</c>). The manifest sits beside the archive as
/// <c>edge-device-{version}.manifest.json</c>; the detached signature over it as <c>edge-device-{version}.sig</c>
/// (see <see cref="ReleaseSignature"/>).
/// </summary>
public sealed record ReleaseManifest(string Version, string Sha256, long Size)
{
    /// <summary>Problems with the manifest's own fields (a version that cannot be a folder name, a bad hash), each in words.</summary>
    public IEnumerable<string> Problems()
    {
        if (!ReleaseVersion.IsValid(Version))
        {
            yield return $"version '{Version}' must be 1-64 characters of A-Z a-z 0-9 . + - _ and start with a letter or digit";
        }

        if (Sha256 is not { Length: 64 } || !Sha256.All(char.IsAsciiHexDigitLower))
        {
            yield return "sha256 must be 64 lower-case hex digits";
        }

        if (Size <= 0)
        {
            yield return $"size must be positive (got {Size})";
        }
    }

    public static string ArchiveName(string version) => $"edge-device-{version}.tar.gz";

    public static string ManifestName(string version) => $"edge-device-{version}.manifest.json";

    public static string SignatureName(string version) => $"edge-device-{version}.sig";
}

/// <summary>Release versions name folders on the device (<c>releases/{version}</c>): a strict alphabet, never "..".</summary>
public static class ReleaseVersion
{
    public const int MaxLength = 64;

    public static bool IsValid(string? version) =>
        version is { Length: > 0 and <= MaxLength }
        && char.IsAsciiLetterOrDigit(version[0])
        && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' or '_')
        && !version.Contains("..", StringComparison.Ordinal);
}
