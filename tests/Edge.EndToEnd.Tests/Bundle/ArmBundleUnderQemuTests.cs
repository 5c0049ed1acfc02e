using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Deploy;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Bundle;

/// <summary>
/// The Pi bundle that ships runs, without a Pi: <c>device/deploy/build-bundle.sh</c> builds the default bundle (Native
/// AOT, linux-arm64, cross-compiled), the test unpacks it, installs it with its <c>install.sh</c> into a staging folder
/// on a PATH without dotnet (as on a Pi without .NET), and starts the installed host, <c>current/Edge.Device</c>,
/// under <c>qemu-aarch64</c> (Debian's qemu-user, with Debian's arm64 libc6, libicu72 and libssl3 installed beside
/// this machine's own through dpkg's multiarch: the arm64 loader <c>/lib/ld-linux-aarch64.so.1</c> finds them where a
/// Pi has them), simulated, provisioned by a claim code at a fleet that requires device credentials. The host must
/// answer <c>/status</c>, come online at the fleet and deliver a press end to end: HTTP, JSON, MQTT and LiteDB all
/// survived Native AOT and run on arm64. The installed launcher, an arm64 program too, must start under qemu and check
/// its options (it cannot start the host there: qemu-user runs one arm64 program, and this machine has no binfmt
/// handler for the host it would start). No skip when qemu is missing: CI installs it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArmBundleUnderQemuTests(ITestOutputHelper output) : IDisposable
{
    // Debian's multiarch folder for arm64 packages. Not libc6-arm64-cross's /usr/aarch64-linux-gnu as a qemu -L
    // sysroot: its loader with the multiarch libc (another build of glibc, pulled in by libicu72:arm64) hung at start.
    private const string ArmLibraries = "/usr/lib/aarch64-linux-gnu";

    // Emulated, every instruction goes through qemu's translator: start-up takes seconds (4 s at load 4-9), not one.
    private static readonly TimeSpan EmulatedStart = TimeSpan.FromMinutes(3);

    private readonly TempFolder _folder = new("arm-bundle");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_default_arm64_bundle_installs_without_dotnet_runs_under_qemu_answers_status_and_delivers_a_press()
    {
        var qemu = FindOnPath("qemu-aarch64")
            ?? throw new InvalidOperationException("qemu-aarch64 not found: install Debian's qemu-user (.ci/run does)");
        foreach (var library in new[] { "ld-linux-aarch64.so.1", "libicuuc.so.72", "libssl.so.3" })
        {
            Assert.True(File.Exists(Path.Combine(ArmLibraries, library)),
                $"no arm64 {library} in {ArmLibraries}: dpkg --add-architecture arm64, then install libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64 (.ci/run does)");
        }

        var clock = Stopwatch.StartNew();
        var bundle = await BuildAndUnpackAsync();
        var built = clock.Elapsed;
        var dest = _folder["dest"];
        var install = await InstallScript.RunAsync(_folder, ["--from", bundle, "--destdir", dest, "--root", "/opt/edge", "--version", "9.9.9"], withoutDotnet: true);
        Assert.True(install.Exit == 0, install.Output);
        Assert.Contains("(native, launcher native)", install.Output);
        var root = dest + "/opt/edge";
        var host = Path.Combine(root, "current");
        Assert.Equal("ARM aarch64", ElfMachine(Path.Combine(host, "Edge.Device")));
        Assert.Equal("ARM aarch64", ElfMachine(Path.Combine(root, "launcher", "edge-launcher")));
        Assert.False(File.Exists(Path.Combine(host, "Edge.Device.dll")), "the default bundle's host is one native program");
        output.WriteLine($"host/Edge.Device {new FileInfo(Path.Combine(host, "Edge.Device")).Length / 1048576.0:F1} MiB, launcher/edge-launcher {new FileInfo(Path.Combine(root, "launcher", "edge-launcher")).Length / 1048576.0:F1} MiB");

        using (var launcher = ChildProcess.Start("qemu-launcher", qemu, [Path.Combine(root, "launcher", "edge-launcher")], root))
        {
            Assert.Equal(2, await launcher.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("error: Launcher:InstallRoot is required", launcher.Text);
        }

        using var fleet = new FleetRunner(_folder["fleet"]);
        await fleet.StartAsync();
        var code = await fleet.EnrolAsync(FleetRunner.DefaultCentre, "1", deviceId: "qemu-quay");
        var localPort = FreePort.Next();

        clock.Restart();
        using var device = ChildProcess.Start("qemu-device", qemu,
        [
            Path.Combine(host, "Edge.Device"),
            "--simulate", "--Device:Id=qemu-quay", $"--Device:DataDir={_folder["data"]}",
            "--Uplink:Host=127.0.0.1", $"--Uplink:Port={fleet.MqttPort}", $"--Local:Port={localPort}",
            "--Rating:LockoutMs=0",
            $"--Provisioning:ClaimCode={code}", $"--Provisioning:FleetUrl={fleet.BaseUrl.ToString().TrimEnd('/')}",
            "--Provisioning:AllowPlaintext=true",
        ], host);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{localPort}"), Timeout = TimeSpan.FromMinutes(1) };

        var status = await Eventually.ReturnsAsync(
            async () => device.HasExited
                ? throw new InvalidOperationException("the emulated host exited:\n" + device.Output)
                : await http.GetFromJsonAsync<JsonElement>("/status"),
            s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("connected", out var connected) && connected.GetBoolean(),
            EmulatedStart,
            "the emulated arm64 host to answer /status, connected to the fleet");
        var answered = clock.Elapsed;

        Assert.Equal("qemu-quay", status.GetProperty("deviceId").GetString());
        Assert.True(status.GetProperty("simulated").GetBoolean());
        Assert.Equal("1", status.GetProperty("counter").GetString());
        var seen = await Eventually.ReturnsAsync(() => fleet.DeviceAsync("qemu-quay"), d => d?.GetProperty("online").GetBoolean() == true,
            TimeSpan.FromMinutes(1), "the fleet to see the emulated device online");
        Assert.NotNull(seen);

        using (var press = await http.PostAsync("/sim/press?button=1&count=2", null))
        {
            Assert.True(press.IsSuccessStatusCode, await press.Content.ReadAsStringAsync());
        }

        var acked = await Eventually.ReturnsAsync(
            () => http.GetFromJsonAsync<JsonElement>("/status"),
            s => s.GetProperty("outboxDepth").GetInt64() == 0 && s.GetProperty("lastAckedSeq").GetInt64() >= 2,
            TimeSpan.FromMinutes(2),
            "the fleet to acknowledge the emulated device's presses");
        Assert.Equal(0, acked.GetProperty("outboxDepth").GetInt64());
        var ratings = await Eventually.ReturnsAsync(() => fleet.GetJsonAsync("/api/v1/stats/ratings?counter=1"),
            r => r.GetProperty("total").GetInt64() >= 2, TimeSpan.FromMinutes(1), "the fleet's statistics to count the presses");
        Assert.Equal(2, ratings.GetProperty("total").GetInt64());

        await device.StopAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"bundle built and unpacked in {built.TotalSeconds:F0} s; emulated host connected after {answered.TotalSeconds:F0} s");
    }

    /// <summary>build-bundle.sh as a technician runs it (no options: the default bundle), then the tarball unpacked as on the Pi; the bundle folder.</summary>
    private async Task<string> BuildAndUnpackAsync()
    {
        var dist = _folder["dist"];
        using (var build = ChildProcess.Start("build-bundle", "sh",
                   [Path.Combine(RepoPaths.Root, "device/deploy/build-bundle.sh"), "--version", "9.9.9", "--out", dist],
                   RepoPaths.Root))
        {
            var exit = await build.WaitForExitAsync(TimeSpan.FromMinutes(15));
            Assert.True(exit == 0, build.Output);
        }

        var tarball = Path.Combine(dist, "edge-device-9.9.9-linux-arm64.tar.gz");
        Assert.True(File.Exists(tarball), tarball);
        var unpacked = _folder["unpacked"];
        Directory.CreateDirectory(unpacked);
        using (var tar = ChildProcess.Start("tar", "tar", ["-xzf", tarball, "-C", unpacked], unpacked))
        {
            Assert.Equal(0, await tar.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        output.WriteLine($"bundle {new FileInfo(tarball).Length / 1048576.0:F1} MiB packed");
        return Path.Combine(unpacked, "edge-device-9.9.9-linux-arm64");
    }

    /// <summary>The ELF header's machine field: proof the unpacked host is an arm64 program, not this machine's.</summary>
    private static string ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        Assert.True(header[..4].SequenceEqual("\u007fELF"u8), $"{path} is not an ELF program");
        return BitConverter.ToUInt16(header[18..20]) == 0xB7 ? "ARM aarch64" : $"machine {BitConverter.ToUInt16(header[18..20])}";
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
