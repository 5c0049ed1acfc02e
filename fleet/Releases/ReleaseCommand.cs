using System.Security.Cryptography;
using System.Text.Json;
using Edge.Device.Updates;
using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>
/// The fleet's <c>release</c> verbs (fleet/Releases/README.md):
/// <c>release keygen --out keys</c> writes release-signing.key (PKCS#8 PEM, 0600) and release-signing.pub (PEM) and
/// prints the one-line public key for <c>Updates:TrustedPublicKey</c>;
/// <c>release sign --key keys/release-signing.key --folder publish --version 9.0.2 --out dist</c> packs a published
/// device host folder into edge-device-{version}.tar.gz and writes its manifest and detached signature beside it.
/// </summary>
public static class ReleaseCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var verb = args.Length > 0 ? args[0] : "";
        var settings = new ConfigurationBuilder().AddCommandLine(args.Length > 1 ? args[1..] : []).Build();
        try
        {
            return verb switch
            {
                "keygen" => KeyGen(settings["out"] ?? ".", output),
                "sign" => Sign(settings["key"], settings["folder"], settings["version"], settings["out"] ?? ".", output, error),
                _ => Usage(error),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int KeyGen(string folder, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePath = Path.Combine(folder, "release-signing.key");
        if (File.Exists(privatePath))
        {
            throw new IOException($"{privatePath} exists already; a new key would orphan every device that trusts the old one");
        }

        File.WriteAllText(privatePath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(Path.Combine(folder, "release-signing.pub"), key.ExportSubjectPublicKeyInfoPem());
        output.WriteLine($"[release] private key {privatePath} (keep it off the fleet server)");
        output.WriteLine($"[release] public key  {Path.Combine(folder, "release-signing.pub")}");
        output.WriteLine($"[release] Updates:TrustedPublicKey={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}");
        return 0;
    }

    private static int Sign(string? keyPath, string? folder, string? version, string outFolder, TextWriter output, TextWriter error)
    {
        if (keyPath is null || folder is null || version is null)
        {
            return Usage(error);
        }

        if (!ReleaseVersion.IsValid(version))
        {
            error.WriteLine($"error: --version '{version}' must be 1-{ReleaseVersion.MaxLength} characters of A-Z a-z 0-9 . + - _");
            return 2;
        }

        if (HostProgram.ProblemIn(folder) is { } problem)
        {
            error.WriteLine($"error: --folder: {problem} (publish device/Host into it first)");
            return 2;
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        Directory.CreateDirectory(outFolder);
        var archive = Path.Combine(outFolder, ReleaseManifest.ArchiveName(version));
        ReleaseArchive.Pack(folder, archive);
        var (sha256, size) = ReleaseArchive.Measure(archive);
        var manifest = new ReleaseManifest(version, sha256, size);
        File.WriteAllBytes(Path.Combine(outFolder, ReleaseManifest.ManifestName(version)), JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseJson.Default.ReleaseManifest));
        File.WriteAllText(Path.Combine(outFolder, ReleaseManifest.SignatureName(version)), ReleaseSignature.Sign(key, manifest) + "\n");
        output.WriteLine($"[release] {archive}: {size} bytes, sha256 {sha256}, signed");
        return 0;
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: release keygen --out <folder>");
        error.WriteLine("       release sign --key <release-signing.key> --folder <published host> --version <version> --out <folder>");
        return 2;
    }
}
