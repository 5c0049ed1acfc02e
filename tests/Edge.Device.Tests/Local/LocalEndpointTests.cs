using System.Net;
using System.Net.Sockets;
using System.Text;
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
            "--Local:RequestTimeoutSeconds=2",
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

    [Fact]
    public async Task A_head_that_never_ends_gets_408_and_a_crowd_of_connections_is_cut_off_both_counted()
    {
        await AnswersAsync();
        var refusedBefore = await RefusedAsync();

        using (var slow = new TcpClient())
        {
            await slow.ConnectAsync(IPAddress.Loopback, _port);
            var stream = slow.GetStream();
            await stream.WriteAsync("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
            var answer = await new StreamReader(stream, Encoding.Latin1).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("HTTP/1.1 408 Request Timeout", answer);
        }

        // The pooled connection of _http is closed by then (idle over 2 s): the crowd is all the endpoint holds. Each
        // sends half a head: the 64 held get 408 at their timeout, the rest are closed at once without an answer.
        var crowd = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 70; i++)
            {
                var client = new TcpClient();
                crowd.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, _port);
                try
                {
                    await client.GetStream().WriteAsync("GET /status HTTP/1.1\r\n"u8.ToArray());
                }
                catch (IOException)
                {
                    // already closed by the endpoint
                }
            }

            var answers = await Task.WhenAll(crowd.Select(ReadToEndAsync)).WaitAsync(TimeSpan.FromSeconds(60));
            var timedOut = answers.Count(a => a.StartsWith("HTTP/1.1 408", StringComparison.Ordinal));
            var cutOff = answers.Count(a => a.Length == 0);
            Assert.Equal(70, timedOut + cutOff);
            Assert.InRange(cutOff, 6, 7);
        }
        finally
        {
            crowd.ForEach(c => c.Dispose());
        }

        await AnswersAsync();
        Assert.Equal(1 + 70, await RefusedAsync() - refusedBefore);
    }

    private static async Task<string> ReadToEndAsync(TcpClient client)
    {
        try
        {
            return await new StreamReader(client.GetStream(), Encoding.Latin1).ReadToEndAsync();
        }
        catch (IOException)
        {
            return ""; // reset by the endpoint
        }
    }

    private async Task<long> RefusedAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync("/local")).RootElement.GetProperty("refused").GetInt64();

    private Task AnswersAsync() => Eventually.TrueAsync(
        async () => !_device.HasExited && (await _http.GetAsync("/status")).IsSuccessStatusCode,
        TimeSpan.FromSeconds(60),
        "the device to answer /status");
}
