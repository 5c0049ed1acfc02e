using Edge.Testing;

namespace Edge.Device.Tests.Hosting;

/// <summary>
/// The device host as shipped (a real process, --simulate) leaves unloaded at start what it does not use, each of which
/// cost settled memory (issue 14 row e; device/deploy/README.md, "What the host loads at start"): OpenSSL (the run id
/// and the release download's TLS client made at start loaded it), System.IO.Ports (named beside the virtual printer's
/// transport), the IIS and QUIC parts of the full web builder, System.Net.Http (the framework's HTTP client factory,
/// made at start for update reports, and the LAN client's HttpClient made with it), the file watcher of
/// appsettings.json, and ASP.NET Core with Kestrel (the local endpoint is our own: device/Host/Local/README.md).
/// </summary>
public sealed class StartupFootprintTests : IDisposable
{
    private static readonly string[] NotMappedAtStart =
    [
        "libcrypto.so",
        "libssl.so",
        "System.IO.Ports.dll",
        "Microsoft.AspNetCore.Server.IIS.dll",
        "System.Net.Quic.dll",
        "System.Net.Http.dll",
        "Microsoft.Extensions.Http.dll",
        "System.IO.FileSystem.Watcher.dll",
        "Microsoft.AspNetCore.dll",
        "Microsoft.AspNetCore.Http.dll",
        "Microsoft.AspNetCore.Routing.dll",
        "Microsoft.AspNetCore.Server.Kestrel.Core.dll",
    ];

    private readonly TempFolder _data = new("device-footprint");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_simulated_device_maps_neither_OpenSSL_nor_the_serial_port_nor_ASP_NET_Core_Kestrel_QUIC_HTTP_client_or_file_watcher_once_started()
    {
        using var device = ChildProcess.StartDll("device", RepoPaths.DeviceDll,
        [
            "--simulate",
            "--Device:Id=footprint-1",
            $"--Device:DataDir={_data["device"]}",
            "--Uplink:Host=127.0.0.1",
            $"--Uplink:Port={FreePort.Next()}",
            $"--Local:Port={FreePort.Next()}",
        ]);
        var started = DateTime.UtcNow;
        while (!device.Output.Contains("Application started", StringComparison.Ordinal))
        {
            Assert.False(device.HasExited || DateTime.UtcNow - started > TimeSpan.FromSeconds(60), $"the device did not start:\n{device.Output}");
            await Task.Delay(20);
        }

        // The hosted services' first rounds (printer, display, uplink attempts, update reporter) run just after.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var maps = await File.ReadAllTextAsync($"/proc/{device.Id}/maps");
        Assert.Contains("Edge.Device.dll", maps, StringComparison.Ordinal); // the check reads the right process
        Assert.All(NotMappedAtStart, library => Assert.DoesNotContain(library, maps, StringComparison.Ordinal));
    }
}
