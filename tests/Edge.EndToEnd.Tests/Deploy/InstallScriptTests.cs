using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Deploy;

/// <summary>
/// device/deploy/install.sh run for real into a staging folder (--destdir), from bundles laid out as build-bundle.sh
/// lays them out: the framework-dependent one with this build's host and launcher, and the default Native AOT one's
/// shape (host/Edge.Device and launcher/edge-launcher programs, no dll; stand-in scripts here: the real arm64 bundle
/// is installed and run by Bundle/ArmBundleUnderQemuTests). The tree, the systemd unit as systemd itself checks it,
/// upgrades that keep site settings, an AOT install on a machine without dotnet, and the installed tree actually
/// running the host.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // install.sh, sh and file modes
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
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(dest, "etc/sudoers.d/edge-device")));
    }

    [Fact]
    public async Task An_aot_bundle_installs_without_dotnet_and_its_unit_starts_the_native_launcher()
    {
        var dest = _folder["dest"];

        var install = await InstallAsync(MakeAotBundle(), dest, "9.0.1", withoutDotnet: true);

        Assert.True(install.Exit == 0, install.Output);
        Assert.Contains("(native, launcher native)", install.Output);
        var root = dest + Root;
        Assert.True(File.GetUnixFileMode(Path.Combine(root, "releases/9.0.1/Edge.Device")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.Exists(Path.Combine(root, "releases/9.0.1/Edge.Device.dll")));
        var unit = await File.ReadAllTextAsync(Path.Combine(dest, "etc/systemd/system/edge-device.service"));
        Assert.DoesNotContain("@", unit);
        Assert.Contains($"ExecStart={Root}/launcher/edge-launcher --Launcher:InstallRoot={Root} ", unit);
        // The CLI picks the kind `current` holds when it runs (an update may change it), by the launcher's rule.
        var cli = await File.ReadAllTextAsync(Path.Combine(dest, "usr/local/bin/edge"));
        Assert.Contains($"if [ -f {Root}/current/Edge.Device.dll ]", cli);
        Assert.Contains($"set -- {Root}/current/Edge.Device \"$@\"", cli);
    }

    [Theory]
    [InlineData("framework-dependent")]
    [InlineData("aot")]
    public async Task Systemd_accepts_the_installed_unit(string kind)
    {
        // Installed for a root that exists on this machine (a link to the staged tree), so that systemd-analyze
        // finds ExecStart's program where the unit names it: dotnet, or the AOT bundle's launcher program.
        var dest = _folder["dest"];
        var root = _folder["root"];
        Directory.CreateDirectory(dest + root);
        File.CreateSymbolicLink(root, dest + root);
        var install = await InstallAsync(kind == "aot" ? MakeAotBundle() : MakeBundle(), dest, "9.0.1", withoutDotnet: kind == "aot", root: root);
        Assert.True(install.Exit == 0, install.Output);

        // systemd-analyze checks the keys and that ExecStart's program exists and is executable; it names the unit by its file.
        var unit = Path.Combine(dest, "etc/systemd/system/edge-device.service");
        var verify = await RunAsync("systemd-analyze", ["verify", unit]);

        Assert.True(verify.Exit == 0, verify.Output);
        Assert.DoesNotContain("Unknown", verify.Output);
        Assert.DoesNotContain("ignoring", verify.Output);
        Assert.Contains(kind == "aot" ? $"ExecStart={root}/launcher/edge-launcher " : "/launcher/edge-launcher.dll ", await File.ReadAllTextAsync(unit));
    }

    [Fact]
    public async Task A_bundle_without_a_host_or_version_is_refused_with_a_reason()
    {
        var empty = _folder["empty"];
        Directory.CreateDirectory(empty);
        var noHost = await InstallAsync(empty, _folder["dest"], "9.0.1");
        var badVersion = await InstallAsync(MakeBundle(), _folder["dest"], "../../etc");

        Assert.Equal(1, noHost.Exit);
        Assert.Contains("holds neither Edge.Device.dll nor the program Edge.Device (executable)", noHost.Output);
        Assert.Equal(1, badVersion.Exit);
        Assert.Contains("no usable version", badVersion.Output);
        Assert.False(Directory.Exists(_folder["dest"] + Root + "/releases"), "nothing installed");
    }

    [Fact]
    public async Task A_framework_dependent_bundle_is_refused_without_the_dotnet_runtime_and_an_unexecutable_program_always()
    {
        var noDotnet = await InstallAsync(MakeBundle(), _folder["dest"], "9.0.1", withoutDotnet: true);
        var noRuntime = await InstallScript.RunAsync(_folder, ["--from", MakeBundle(), "--destdir", _folder["dest"], "--root", Root, "--version", "9.0.1", "--dotnet", "/bin/true"]);
        var aot = MakeAotBundle();
        File.SetUnixFileMode(Path.Combine(aot, "host/Edge.Device"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var notExecutable = await InstallAsync(aot, _folder["dest"], "9.0.1", withoutDotnet: true);

        Assert.Equal(1, noDotnet.Exit);
        Assert.Contains("dotnet not found: this bundle is framework-dependent", noDotnet.Output);
        Assert.Equal(1, noRuntime.Exit);
        Assert.Contains("/bin/true has no Microsoft.NETCore.App 10 runtime", noRuntime.Output);
        Assert.Equal(1, notExecutable.Exit);
        Assert.Contains("holds neither Edge.Device.dll nor the program Edge.Device (executable)", notExecutable.Output);
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
        CopyDeployFiles(bundle);
        return bundle;
    }

    /// <summary>The default bundle's shape: native programs (stand-in scripts), no dll, no runtime beside them.</summary>
    private string MakeAotBundle()
    {
        var bundle = _folder["aot-bundle"];
        if (Directory.Exists(bundle))
        {
            return bundle;
        }

        foreach (var program in new[] { "host/Edge.Device", "launcher/edge-launcher" })
        {
            var path = Path.Combine(bundle, program);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(path, (UnixFileMode)0x1ED); // rwxr-xr-x
        }

        CopyDeployFiles(bundle);
        return bundle;
    }

    private static void CopyDeployFiles(string bundle)
    {
        foreach (var file in new[] { "install.sh", "edge-device.service", "edge-hall-screen.service", "edge", "device.env" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "device/deploy", file), Path.Combine(bundle, file));
        }
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

    private Task<(int Exit, string Output)> InstallAsync(string bundle, string dest, string version, bool withoutDotnet = false, string root = Root) =>
        InstallScript.RunAsync(_folder, ["--from", bundle, "--destdir", dest, "--root", root, "--version", version], withoutDotnet);

    private async Task<(int Exit, string Output)> RunAsync(string program, string[] args)
    {
        using var tool = ChildProcess.Start(Path.GetFileName(program), program, args, _folder.Path);
        var exit = await tool.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, tool.Text);
    }
}
