using System.Diagnostics;
using System.Security.Cryptography;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Updates;

/// <summary>
/// Real builds of the device host, made once per test class: the sources (shared/, device/ and the build props) are
/// copied to a temp folder, so the publishes never race the developer's own bin/obj, and published three times
/// (the second and third compile only the host project, against the libraries the first built):
/// <c>9.0.1</c> (installed first), <c>9.0.2</c> (a good update) and <c>9.0.3</c> built with
/// <c>-p:EdgeFaultyBuild=silent</c> (it starts but its uplink never connects, so it never confirms its health).
/// Then a signing key pair is made with the fleet's <c>release keygen</c> verb and the updates are signed with
/// <c>release sign</c>; <c>9.0.4</c> is the good build signed with another key.
/// </summary>
public sealed class HostBuilds : IDisposable
{
    public const string Installed = "9.0.1";
    public const string Good = "9.0.2";
    public const string Faulty = "9.0.3";
    public const string BadlySigned = "9.0.4";

    private readonly TempFolder _folder = new("host-builds");

    public HostBuilds()
    {
        var watch = Stopwatch.StartNew();
        var sources = Directory.CreateDirectory(_folder["src"]).FullName;
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, file), Path.Combine(sources, file));
        }

        foreach (var folder in new[] { "shared", "device" })
        {
            CopySources(Path.Combine(RepoPaths.Root, folder), Path.Combine(sources, folder));
        }

        var project = Path.Combine(sources, "device", "Host", "Edge.Device.csproj");
        Publish(project, Installed);
        // The libraries the host references do not change between the builds: only the host project is compiled again.
        Publish(project, Good, "--no-restore", "-p:BuildProjectReferences=false");
        Publish(project, Faulty, "--no-restore", "-p:BuildProjectReferences=false", "-p:EdgeFaultyBuild=silent");
        BuildSeconds = watch.Elapsed.TotalSeconds;

        Run(RepoPaths.FleetDll, "release", "keygen", "--out", _folder["keys"]);
        Run(RepoPaths.FleetDll, "release", "keygen", "--out", _folder["other-keys"]);
        TrustedPublicKey = Convert.ToBase64String(PublicKeyOf(_folder["keys/release-signing.pub"]));
        Sign(Good, Good, "keys");
        Sign(Faulty, Faulty, "keys");
        Sign(Good, BadlySigned, "other-keys");
    }

    /// <summary>Seconds the three publishes took (the CI cost of this class).</summary>
    public double BuildSeconds { get; }

    /// <summary>For <c>Updates:TrustedPublicKey</c>.</summary>
    public string TrustedPublicKey { get; }

    /// <summary>The published folder of a version.</summary>
    public string Published(string version) => _folder[Path.Combine("published", version)];

    /// <summary>Where the signed archive, manifest and signature of a version are.</summary>
    public string Signed(string file) => _folder[Path.Combine("dist", file)];

    /// <summary>Uploads the signed <paramref name="version"/> (manifest, signature, archive) with <c>POST /api/v1/releases</c>.</summary>
    public async Task UploadAsync(HttpClient fleet, string version)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await File.ReadAllTextAsync(Signed(SignedName(version, "manifest.json")))), "manifest" },
            { new StringContent(await File.ReadAllTextAsync(Signed(SignedName(version, "sig")))), "signature" },
            { new StreamContent(File.OpenRead(Signed(SignedName(version, "tar.gz")))), "archive", SignedName(version, "tar.gz") },
        };
        using var response = await fleet.PostAsync("/api/v1/releases", form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _folder.Dispose();

    private static string SignedName(string version, string extension) => $"edge-device-{version}.{extension}";

    private void Publish(string project, string version, params string[] extra)
    {
        var code = Process("dotnet", ["publish", project, "-c", "Release", $"-p:Version={version}", "-p:UseAppHost=false", "-o", Published(version), "--nologo", "-v", "q", .. extra]);
        if (code.ExitCode != 0)
        {
            throw new InvalidOperationException($"publishing {version} failed:\n{code.Output}");
        }
    }

    private void Sign(string build, string version, string keys) =>
        Run(RepoPaths.FleetDll, "release", "sign", "--key", _folder[$"{keys}/release-signing.key"], "--folder", Published(build), "--version", version, "--out", _folder["dist"]);

    private static void Run(string dll, params string[] args)
    {
        var result = Process("dotnet", [dll, .. args]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed:\n{result.Output}");
        }
    }

    private static (int ExitCode, string Output) Process(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static byte[] PublicKeyOf(string pemPath)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(pemPath));
        return key.ExportSubjectPublicKeyInfo();
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
