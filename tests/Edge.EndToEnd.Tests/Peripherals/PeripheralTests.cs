using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Peripherals;

/// <summary>
/// The device host drives its printer and display through the real drivers and protocols onto simulated buses,
/// and a person (or this test) reads back what they show and pulls the paper through the local endpoint.
/// </summary>
public sealed class PeripheralTests : IDisposable
{
    private readonly TempFolder _folder = new("peripherals");
    private DeviceRunner? _device;

    public void Dispose()
    {
        _device?.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("tm1637", "A023")]
    [InlineData("max7219", "    A023")]
    [InlineData("lcd1602", "So A023         \nQuay 5          ")]
    public async Task The_display_shows_the_number_read_back_from_its_bus(string kind, string expected)
    {
        var device = await StartAsync($"--Display:Kind={kind}");

        using var response = await device.Http.PostAsync("/display/show?text=A023", null);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, view.GetProperty("shows").GetString());
        Assert.Equal("ok", (await device.StatusAsync()).GetProperty("peripherals").GetProperty("display").GetString());
    }

    [Fact]
    public async Task Pulling_the_paper_is_reported_and_a_print_then_fails_visibly()
    {
        var device = await StartAsync("--Printer:StatusPollSeconds=1");
        var before = (await device.StatusAsync()).GetProperty("nextSeq").GetInt64();

        (await device.Http.PostAsync("/sim/printer?paper=out", null)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await PrinterStateAsync(device) == "paper-out", TimeSpan.FromSeconds(20), "paper-out to be noticed");
        using var refused = await device.Http.PostAsync("/printer/test", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        (await device.Http.PostAsync("/sim/printer?paper=ok", null)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await PrinterStateAsync(device) == "ok", TimeSpan.FromSeconds(20), "the printer to recover");
        using var printed = await device.Http.PostAsync("/printer/test", null);
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);

        var printer = await device.Http.GetFromJsonAsync<JsonElement>("/sim/printer");
        var page = Assert.Single(printer.GetProperty("pages").EnumerateArray()).GetString()!;
        Assert.Contains("0000", page, StringComparison.Ordinal);
        Assert.Contains("Kiểm tra máy in", page, StringComparison.Ordinal);

        // paper-out, print-failed, ok: each change is an event in the outbox for the fleet.
        var after = (await device.StatusAsync()).GetProperty("nextSeq").GetInt64();
        Assert.True(after - before >= 3, $"peripheral events recorded: {after - before}");
    }

    private async Task<DeviceRunner> StartAsync(params string[] args)
    {
        _device = new DeviceRunner("periph-1", _folder["device"], FreePort.Next(), ["--Device:Counter=5", .. args]);
        await _device.StartAsync();
        return _device;
    }

    private static async Task<string?> PrinterStateAsync(DeviceRunner device) =>
        (await device.StatusAsync()).GetProperty("peripherals").TryGetProperty("printer", out var state) ? state.GetString() : null;
}
