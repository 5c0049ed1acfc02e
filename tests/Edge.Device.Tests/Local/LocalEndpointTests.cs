using System.Net;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Device.Tests.Local;

/// <summary>
/// The local endpoint of a real device host (a process, --simulate, its uplink refused): what it refuses is answered
/// with the status ASP.NET Core gave and counted on GET /local; every answer names the device; only loopback listens.
/// </summary>
public sealed class LocalEndpointTests : IDisposable
{
    private readonly TempFolder _data = new("device-local");
    private readonly int _port = FreePort.Next();
    private readonly ChildProcess _device;
    private readonly HttpClient _http;

    public LocalEndpointTests()
    {
        _device = ChildProcess.StartDll("device", RepoPaths.DeviceDll,
        [
            "--simulate",
            "--Device:Id=local-1",
            $"--Device:DataDir={_data["device"]}",
            "--Uplink:Host=127.0.0.1",
            $"--Uplink:Port={FreePort.Next()}",
            $"--Local:Port={_port}",
        ]);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        _http.Dispose();
        _device.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Refused_requests_get_404_405_400_and_413_and_are_counted()
    {
        await AnswersAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/no-such-path")).StatusCode);
        var wrongMethod = await _http.PostAsync("/status", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync("/display/brightness?percent=lots", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync("/display/show", null)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _http.PostAsync("/sim/press?button=1", new ByteArrayContent(new byte[65 * 1024]))).StatusCode);

        var counts = JsonDocument.Parse(await _http.GetStringAsync("/local")).RootElement;
        Assert.Equal(5, counts.GetProperty("refused").GetInt64());
        Assert.Equal(0, counts.GetProperty("failed").GetInt64());
        Assert.True(counts.GetProperty("answered").GetInt64() >= 1);
    }

    [Fact]
    public async Task Every_answer_names_the_device_and_paths_match_as_ASP_NET_Core_routing_did()
    {
        await AnswersAsync();

        var status = await _http.GetAsync("/Status/");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("application/json; charset=utf-8", status.Content.Headers.ContentType?.ToString());
        Assert.Equal("local-1", status.Headers.GetValues("Edge-Device").Single());
        Assert.Equal("local-1", (await _http.GetAsync("/no-such-path")).Headers.GetValues("Edge-Device").Single());

        var shown = JsonDocument.Parse(await (await _http.PostAsync("/display/show?TEXT=42", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("42", shown.GetProperty("current").GetString());
    }

    [Fact]
    public async Task Only_loopback_listens()
    {
        await AnswersAsync();

        var listening = (await File.ReadAllLinesAsync("/proc/net/tcp")).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && Convert.ToInt32(f[1].Split(':')[1], 16) == _port)
            .Select(f => f[1].Split(':')[0])
            .ToList();
        Assert.Equal(["0100007F"], listening); // 127.0.0.1, little-endian
    }

    private Task AnswersAsync() => Eventually.TrueAsync(
        async () => !_device.HasExited && (await _http.GetAsync("/status")).IsSuccessStatusCode,
        TimeSpan.FromSeconds(60),
        "the device to answer /status");
}
