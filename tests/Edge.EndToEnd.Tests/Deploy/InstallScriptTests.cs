using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Deploy;

/// <summary>
/// device/deploy/install.sh run for real into a staging folder (--destdir), from a bundle laid out as
/// build-bundle.sh lays it out (with this build's host and launcher): the tree, the systemd unit as systemd itself
/// checks it, upgrades that keep site settings, and the installed tree actually running the host.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private const string Root = "/opt/edge";

    private readonly TempFolder _folder = new("install");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Install_lays_out_releases_current_unit_cli_and_settings_and_an_upgrade_keeps_the_settings()
    {
        var bundle = MakeBundle();
        var dest = _folder["dest"];

        var first = await InstallAsync(bundle, dest, "9.0.1");
        var envFile = Path.Combine(dest, "etc/edge-device/device.env");
        await File.AppendAllTextAsync(envFile, "Uplink__Host=fleet.example\n");
        var second = await InstallAsync(bundle, dest, "9.0.2");

        Assert.True(first.Exit == 0, first.Output);
        Assert.True(second.Exit == 0, second.Output);
        var root = dest + Root;
        Assert.Equal("releases/9.0.2", new FileInfo(Path.Combine(root, "current")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(root, "releases/9.0.1/Edge.Device.dll")), "the previous release stays for a rollback");
        Assert.True(File.Exists(Path.Combine(root, "launcher/edge-launcher.dll")));
        Assert.Contains("Uplink__Host=fleet.example", await File.ReadAllTextAsync(envFile));

        var unit = await File.ReadAllTextAsync(Path.Combine(dest, "etc/systemd/system/edge-device.service"));
        Assert.DoesNotContain("@", unit);
        Assert.Contains("Type=notify", unit);
        Assert.Contains("WatchdogSec=30", unit);
        Assert.Contains($"{Root}/launcher/edge-launcher.dll --Launcher:InstallRoot={Root}", unit);
        var cli = await File.ReadAllTextAsync(Path.Combine(dest, "usr/local/bin/edge"));
        Assert.Contains($"{Root}/current/Edge.Device.dll", cli);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(dest, "etc/sudoers.d/edge-device")));
        }
    }

    [Fact]
    public async Task Systemd_accepts_the_installed_unit()
    {
        var dest = _folder["dest"];
        Assert.Equal(0, (await InstallAsync(MakeBundle(), dest, "9.0.1")).Exit);

        // systemd-analyze checks the keys and that ExecStart's program (dotnet) exists; it names the unit by its file.
        var unit = Path.Combine(dest, "etc/systemd/system/edge-device.service");
        var verify = await RunAsync("systemd-analyze", ["verify", unit]);

        Assert.True(verify.Exit == 0, verify.Output);
        Assert.DoesNotContain("Unknown", verify.Output);
        Assert.DoesNotContain("ignoring", verify.Output);
    }

    [Fact]
    public async Task A_bundle_without_a_host_or_version_is_refused_with_a_reason()
    {
        var empty = _folder["empty"];
        Directory.CreateDirectory(empty);
        var noHost = await InstallAsync(empty, _folder["dest"], "9.0.1");
        var badVersion = await InstallAsync(MakeBundle(), _folder["dest"], "../../etc");

        Assert.Equal(1, noHost.Exit);
        Assert.Contains("Edge.Device.dll not found", noHost.Output);
        Assert.Equal(1, badVersion.Exit);
        Assert.Contains("no usable version", badVersion.Output);
        Assert.False(Directory.Exists(_folder["dest"] + Root + "/releases"), "nothing installed");
    }

    [Fact]
    public async Task The_installed_tree_runs_the_host_through_the_launcher()
    {
        var dest = _folder["dest"];
        Assert.Equal(0, (await InstallAsync(MakeBundle(), dest, "9.0.1")).Exit);
        var localPort = FreePort.Next();

        using var launcher = ChildProcess.StartDll("launcher", Path.Combine(dest + Root, "launcher/edge-launcher.dll"),
        [
            $"--Launcher:InstallRoot={dest + Root}", "--",
            "--simulate", "--Device:Id=installed-quay", $"--Device:DataDir={_folder["data"]}",
            "--Uplink:Host=127.0.0.1", $"--Uplink:Port={FreePort.Next()}", $"--Local:Port={localPort}",
        ]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{localPort}") };
        var status = await Eventually.ReturnsAsync(
            async () => launcher.HasExited ? throw new InvalidOperationException(launcher.Output) : await http.GetFromJsonAsync<JsonElement>("/status"),
            s => s.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60),
            "the installed host to answer");

        Assert.Equal("installed-quay", status.GetProperty("deviceId").GetString());
        Assert.Contains("releases/9.0.1", launcher.Output);
    }

    /// <summary>A bundle as build-bundle.sh makes it, from this build's outputs instead of a fresh publish.</summary>
    private string MakeBundle()
    {
        var bundle = _folder["bundle"];
        if (Directory.Exists(bundle))
        {
            return bundle;
        }

        CopyFolder(Path.GetDirectoryName(RepoPaths.DeviceDll)!, Path.Combine(bundle, "host"));
        CopyFolder(Path.GetDirectoryName(RepoPaths.BuiltDll("device/Launcher", "edge-launcher"))!, Path.Combine(bundle, "launcher"));
        foreach (var file in new[] { "install.sh", "edge-device.service", "edge-hall-screen.service", "edge", "device.env" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "device/deploy", file), Path.Combine(bundle, file));
        }

        return bundle;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private Task<(int Exit, string Output)> InstallAsync(string bundle, string dest, string version)
    {
        return RunAsync("sh", [Path.Combine(RepoPaths.Root, "device/deploy/install.sh"), "--from", bundle, "--destdir", dest, "--root", Root, "--version", version]);
    }

    private async Task<(int Exit, string Output)> RunAsync(string program, string[] args)
    {
        using var tool = ChildProcess.Start(Path.GetFileName(program), program, args, _folder.Path);
        var exit = await tool.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, tool.Text);
    }
}
