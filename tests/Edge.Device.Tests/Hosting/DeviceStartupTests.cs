using Edge.Testing;

namespace Edge.Device.Tests.Hosting;

/// <summary>
/// The device host as shipped (a real process, --simulate) refuses a bad setting with one line naming its key and exit
/// code 2, including the settings once checked their own way: the queue's pins against the other peripherals' (an
/// options validator class of its own before) and unattended provisioning's (checked by hand before the host is built).
/// </summary>
public sealed class DeviceStartupTests : IDisposable
{
    private readonly TempFolder _data = new("device-startup");

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("--Uplink:Port=0", "error: Uplink:Port must be 1-65535 (got 0)")]
    [InlineData("--Queue:CallNextPin=6", "error: Queue:CallNextPin uses pin 6, already Rating:Pins:1")]
    [InlineData("--Provisioning:ClaimCode=ABCD-EFGH", "error: Provisioning:FleetUrl must be the fleet's https address when Provisioning:ClaimCode is given (got '')")]
    public async Task A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_exit_code_2(string setting, string expected)
    {
        using var device = ChildProcess.StartDll("device", RepoPaths.DeviceDll,
        [
            "--simulate",
            "--Device:Id=startup-1",
            "--Device:Role=counter",
            $"--Device:DataDir={_data["device"]}",
            "--Uplink:Host=127.0.0.1",
            $"--Uplink:Port={FreePort.Next()}",
            $"--Local:Port={FreePort.Next()}",
            setting, // later arguments win
        ]);

        var exitCode = await device.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100); // the output reader's last line

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{device.Output}");
        var line = Assert.Single(device.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
