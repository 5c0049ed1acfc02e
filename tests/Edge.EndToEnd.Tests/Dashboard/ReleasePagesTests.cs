using System.Diagnostics;
using System.Security.Cryptography;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The releases page in a real headless Chromium: a release signed with the fleet's own <c>release keygen</c> and
/// <c>release sign</c> verbs is uploaded through the page's file fields to a fleet that verifies signatures, a rollout is
/// started from the page, shown per device and stage, and halted after the confirmation dialog.
/// </summary>
public sealed class ReleasePagesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Version = "9.1.0";
    private static readonly TimeSpan Wait = TechnicianSite.Wait;
    private readonly TempFolder _folder = new("release-pages");
    private TechnicianSite _site = null!;

    public async Task InitializeAsync()
    {
        Run("release", "keygen", "--out", _folder["keys"]);
        // The verb packs any folder holding an Edge.Device.dll; the fleet never runs what it stores.
        Directory.CreateDirectory(_folder["published"]);
        await File.WriteAllTextAsync(Path.Combine(_folder["published"], "Edge.Device.dll"), "not a real host: this release is never installed");
        Run("release", "sign", "--key", _folder["keys/release-signing.key"], "--folder", _folder["published"], "--version", Version, "--out", _folder["dist"]);
        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(_folder["keys/release-signing.pub"]));
        _site = await TechnicianSite.StartAsync($"--Releases:TrustedPublicKey={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}");
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_signed_release_is_uploaded_rolled_out_and_halted_from_the_releases_page()
    {
        var browser = await _site.OpenAsync("/releases");
        await _site.TypeAsync("#release-manifest", Dist("manifest.json"));
        await _site.TypeAsync("#release-signature", Dist("sig"));
        await _site.TypeAsync("#release-archive", Dist("tar.gz"));
        await _site.ClickAsync("#release-form button[type='submit']");
        await browser.WaitUntilAsync($"return !!document.querySelector(\"tr[data-release='{Version}']\")", Wait, "the uploaded release listed");

        await _site.TypeAsync("#rollout-version", Version);
        await _site.TypeAsync("#rollout-devices", "pi-r1, pi-r2, pi-r3");
        await _site.TypeAsync("#rollout-canary", "pi-r1");
        await _site.ClickAsync("#rollout-form button[type='submit']");
        await browser.WaitUntilAsync("return !!document.querySelector(\".rollout[data-status='active'] button[data-halt]\")", Wait, "the rollout shown as active");
        Assert.Equal(3L, (await browser.ExecuteAsync("return document.querySelectorAll('.rollout[data-status=active] tr[data-device]').length")).GetInt64());
        Assert.Equal("1", (await _site.TextAsync(".rollout tr[data-device='pi-r1'] td.num")).Trim());
        Assert.Contains("Chờ đến lượt", await _site.TextAsync(".rollout tr[data-device='pi-r2']"));
        await _site.ScreenshotAsync("dashboard-releases.png");

        await _site.ClickAsync(".rollout button[data-halt]");
        await _site.ConfirmAsync();
        await browser.WaitUntilAsync("return !!document.querySelector(\".rollout[data-status='halted']\")", Wait, "the rollout shown as halted");

        var rollouts = (await _site.Fleet.GetJsonAsync("/api/v1/rollouts")).GetProperty("rollouts").EnumerateArray().ToList();
        Assert.Equal("halted", Assert.Single(rollouts).GetProperty("status").GetString());
        Assert.Contains((await _site.Fleet.GetJsonAsync("/api/v1/audit?action=rollout.halted")).EnumerateArray(), a => a.GetProperty("actor").GetString() == "admin");
    }

    private string Dist(string extension) => _folder[Path.Combine("dist", $"edge-device-{Version}.{extension}")];

    private static void Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.FleetDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)}: {stdout.Result}{stderr.Result}");
    }
}
