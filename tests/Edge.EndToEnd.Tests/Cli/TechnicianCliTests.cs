using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Cli;

/// <summary>
/// The technician's CLI (<c>Edge.Device VERB</c>) run as its own process against a running simulated device host:
/// it presses, pulls the paper, tests the printer and display and shows the settings, through the local endpoint.
/// </summary>
public sealed class TechnicianCliTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new("cli");
    private DeviceRunner? _device;

    public void Dispose()
    {
        _device?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Press_and_status_go_through_the_running_host_which_the_CLI_names()
    {
        var device = await StartDeviceAsync();
        var before = (await device.StatusAsync()).GetProperty("nextSeq").GetInt64();

        var press = await CliAsync(device, "press", "2", "3");
        var status = await CliAsync(device, "status");

        Assert.Equal(0, press.Exit);
        Assert.Equal(3, JsonDocument.Parse(press.Json).RootElement.GetProperty("durable").GetInt64());
        Assert.Equal(0, status.Exit);
        Assert.Equal(before + 3, JsonDocument.Parse(status.Json).RootElement.GetProperty("nextSeq").GetInt64());
        Assert.Contains($"device {device.Id} answered on 127.0.0.1:{device.LocalPort}", status.Output);
        Assert.DoesNotContain("answered", status.Json);
    }

    [Fact]
    public async Task Test_print_fails_with_the_printers_reason_when_the_paper_is_out_and_prints_when_it_is_back()
    {
        var device = await StartDeviceAsync();

        Assert.Equal(0, (await CliAsync(device, "sim", "paper", "out")).Exit);
        var refused = await CliAsync(device, "test", "printer");
        Assert.Equal(0, (await CliAsync(device, "sim", "paper", "ok")).Exit);
        var printed = await CliAsync(device, "test", "printer");
        var pages = JsonDocument.Parse((await CliAsync(device, "sim", "printed")).Json).RootElement.GetProperty("pages");

        Assert.Equal(1, refused.Exit);
        Assert.Contains("paper end", refused.Output);
        Assert.Equal(0, printed.Exit);
        Assert.Equal(1, pages.GetArrayLength());
    }

    [Fact]
    public async Task Display_test_shows_the_pattern_on_the_chip()
    {
        var device = await StartDeviceAsync("--Display:Kind=tm1637");

        var result = await CliAsync(device, "test", "display");

        Assert.Equal(0, result.Exit);
        Assert.Equal("8.8.8.8.", JsonDocument.Parse(result.Json).RootElement.GetProperty("shows").GetString());
    }

    [Fact]
    public async Task Config_shows_the_settings_in_force_with_the_secret_masked()
    {
        var device = await StartDeviceAsync("--Uplink:Username=quay-7", "--Uplink:Password=hunter2-secret", "--Rating:LockoutMs=1234");

        var result = await CliAsync(device, "config");
        var config = JsonDocument.Parse(result.Json).RootElement;

        Assert.Equal(0, result.Exit);
        Assert.DoesNotContain("hunter2", result.Output);
        Assert.Equal("***", config.GetProperty("Uplink").GetProperty("password").GetString());
        Assert.Equal("quay-7", config.GetProperty("Uplink").GetProperty("username").GetString());
        Assert.Equal(1234, config.GetProperty("Rating").GetProperty("lockoutMs").GetInt32());
        Assert.Equal(device.Id, config.GetProperty("Device").GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_host_that_is_not_running_and_an_unknown_verb_get_clear_errors()
    {
        var port = FreePort.Next();

        var notRunning = await RunAsync("status", $"--Local:Port={port}");
        var unknown = await RunAsync("frobnicate");

        Assert.Equal(3, notRunning.Exit);
        Assert.Contains($"no device host answers on 127.0.0.1:{port}", notRunning.Output);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("'frobnicate' is not a verb", unknown.Output);
    }

    private async Task<DeviceRunner> StartDeviceAsync(params string[] args)
    {
        // No fleet: the CLI only talks to the host, and the host runs its counter without an uplink.
        _device = new DeviceRunner("cli-quay", _folder["device"], FreePort.Next(), args);
        await _device.StartAsync();
        return _device;
    }

    private static Task<(int Exit, string Output, string Json)> CliAsync(DeviceRunner device, params string[] words) =>
        RunAsync([.. words, $"--Local:Port={device.LocalPort}"]);

    /// <summary>The exit code, everything printed, and stdout alone (the host's JSON answer).</summary>
    private static async Task<(int Exit, string Output, string Json)> RunAsync(params string[] args)
    {
        using var cli = DeviceProgram.Default.Start("cli", args);
        var exit = await cli.WaitForExitAsync(Wait);
        return (exit, cli.Text, cli.StandardOutput);
    }
}
