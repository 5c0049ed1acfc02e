using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Federation;

/// <summary>
/// Two province fleets forward their devices' ratings to a national fleet (issue 17, item 5): real processes, device
/// authentication on, devices and province fleets provisioned by claim code, MQTT over loopback, LiteDB files.
/// The national fleet is down while the provinces collect, one province fleet is SIGKILLed in the middle of
/// forwarding its backlog and started again; at the end the national figures are the sum of the provinces', once.
/// Each province's centre is in its own province of the seed list (Hà Nội, Bắc Ninh), entered in its own fleet's
/// directory only: the national comparison has a row per province with that province fleet's figures.
/// </summary>
public sealed class FederationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(180);

    // Buttons are numbered best first: button 1 is level 4 ... button 4 is level 1.
    private static readonly int[] FirstPresses = [60, 50, 40, 30];
    private static readonly int[] SecondPresses = [20, 15, 10, 5];

    // The province each province fleet's centre-1 is in, in that fleet's own directory.
    private static readonly Dictionary<string, (string Province, string Name)> Centres = new()
    {
        ["province-a"] = ("01", "Trung tâm phường Ba Đình"),
        ["province-b"] = ("24", "Trung tâm phường Kinh Bắc"),
    };

    private readonly TempFolder _folder = new("federation");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _started[i].Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task National_totals_equal_the_sum_of_the_provinces_through_a_national_outage_and_a_province_crash()
    {
        var national = Start(new FleetRunner(_folder["national"]));
        await national.StartAsync();
        var provinceA = await StartProvinceAsync(national, "province-a");
        var provinceB = await StartProvinceAsync(national, "province-b");
        // Both provinces name their centre "centre-1": the national fleet must keep them apart.
        var deviceA = await StartDeviceAsync("counter-a", provinceA);
        var deviceB = await StartDeviceAsync("counter-b", provinceB);
        var all = new[] { national, provinceA, provinceB };
        try
        {
            await Eventually.TrueAsync(async () => await MetricAsync(provinceA, "edge_federation_upstream_connected") == 1
                && await MetricAsync(provinceB, "edge_federation_upstream_connected") == 1, Drain, "both provinces to connect upward");

            // The national fleet is down while both provinces collect ratings: they keep them as a backlog.
            national.Kill();
            await Task.WhenAll(PressAsync(deviceA, FirstPresses), PressAsync(deviceB, FirstPresses));
            await DrainedAsync(deviceA);
            await DrainedAsync(deviceB);
            var backlogA = await Eventually.ReturnsAsync(() => MetricAsync(provinceA, "edge_federation_backlog_events"), b => b >= 180, Drain, "province A's backlog");
            output.WriteLine($"province A backlog while the nation is down: {backlogA}");

            // The nation returns; province A is SIGKILLed while it forwards its backlog (one event per batch, so it takes a while).
            await national.StartAsync();
            var atKill = await FirstForwardedAsync(national, "province-a");
            provinceA.Kill();
            var stored = await ForwardedRatingsAsync(national, "province-a");
            output.WriteLine($"killed province A when the nation held {atKill} (then {stored}) of its {FirstPresses.Sum()} ratings");
            Assert.True(stored < FirstPresses.Sum(), "the kill must land in the middle of the forwarding");

            // Ratings keep coming while province A is dead (its device buffers them), then it restarts.
            await Task.WhenAll(PressAsync(deviceA, SecondPresses), PressAsync(deviceB, SecondPresses));
            await provinceA.StartAsync();
            await DrainedAsync(deviceA);
            await DrainedAsync(deviceB);
            var expected = 2 * (FirstPresses.Sum() + SecondPresses.Sum());
            await Eventually.ReturnsAsync(
                async () => (await national.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64(), total => total >= expected, Drain,
                "the nation to hold every rating");
            foreach (var province in new[] { provinceA, provinceB })
            {
                await Eventually.TrueAsync(async () => await MetricAsync(province, "edge_federation_backlog_events") == 0, Drain, $"{province.DataDir} to forward everything");
            }

            await AssertNationIsTheSumAsync(national, provinceA, provinceB);
            await AssertNationalComparisonIsTheProvincesAsync(national, provinceA, provinceB);
            await AssertAHostileProvinceIsRefusedAsync(national, provinceA);
        }
        catch
        {
            foreach (var fleet in all)
            {
                output.WriteLine($"---- {fleet.DataDir}\n{fleet.Output}");
            }

            throw;
        }
    }

    private async Task AssertNationIsTheSumAsync(FleetRunner national, FleetRunner provinceA, FleetRunner provinceB)
    {
        var a = await provinceA.GetJsonAsync("/api/v1/stats/ratings");
        var b = await provinceB.GetJsonAsync("/api/v1/stats/ratings");
        var nation = await national.GetJsonAsync("/api/v1/stats/ratings");
        var presses = FirstPresses.Sum() + SecondPresses.Sum();
        Assert.Equal((presses, presses), (a.GetProperty("total").GetInt64(), b.GetProperty("total").GetInt64()));
        Assert.Equal(2 * presses, nation.GetProperty("total").GetInt64());
        foreach (var level in new[] { "1", "2", "3", "4" })
        {
            Assert.Equal(
                a.GetProperty("byLevel").GetProperty(level).GetInt64() + b.GetProperty("byLevel").GetProperty(level).GetInt64(),
                nation.GetProperty("byLevel").GetProperty(level).GetInt64());
        }

        var centres = (await national.GetJsonAsync("/api/v1/federation/centres")).EnumerateArray()
            .Select(c => $"{c.GetProperty("centre").GetString()} {c.GetProperty("ratings").GetInt64()}")
            .ToList();
        Assert.Equal([$"province-a.centre-1 {presses}", $"province-b.centre-1 {presses}"], centres);
        output.WriteLine($"nation: {nation}; centres: {string.Join(", ", centres)}");
        output.WriteLine($"province A sent {await MetricAsync(provinceA, "edge_federation_forwarded_events_total")} events after its restart, "
            + $"nation received {await MetricAsync(national, "edge_federation_received_events_total")} since its restart");
    }

    /// <summary>
    /// The national comparison (by province) has one row per province fleet, in the province of its centre, with that
    /// fleet's own ratings and index, and nothing under "no province"; the forwarded centres carry their names.
    /// </summary>
    private async Task AssertNationalComparisonIsTheProvincesAsync(FleetRunner national, FleetRunner provinceA, FleetRunner provinceB)
    {
        var nation = (await national.GetJsonAsync("/api/v1/comparison")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r);
        output.WriteLine($"national comparison: {string.Join(", ", nation.Select(r => $"{r.Key} {r.Value.GetProperty("ratings").GetInt64()}"))}");
        Assert.Equal(["01", "24"], nation.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, fleet) in new[] { ("province-a", provinceA), ("province-b", provinceB) })
        {
            var (province, centreName) = Centres[name];
            var own = (await fleet.GetJsonAsync("/api/v1/comparison")).GetProperty("rows").EnumerateArray().Single();
            var total = (await fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64();
            Assert.Equal(province, own.GetProperty("key").GetString());
            Assert.Equal((total, total, own.GetProperty("index").GetDouble()),
                (own.GetProperty("ratings").GetInt64(), nation[province].GetProperty("ratings").GetInt64(), nation[province].GetProperty("index").GetDouble()));
            var centre = await national.GetJsonAsync($"/api/v1/centres/{name}.centre-1");
            Assert.Equal((province, centreName), (centre.GetProperty("province").GetString(), centre.GetProperty("name").GetString()));
        }
    }

    /// <summary>Province A's own credentials at the nation cannot publish as province B, as a device, nor a malformed batch.</summary>
    private async Task AssertAHostileProvinceIsRefusedAsync(FleetRunner national, FleetRunner provinceA)
    {
        using var identity = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(provinceA.DataDir, "federation-identity.json")));
        var secret = identity.RootElement.GetProperty("secret").GetString()!;
        await provinceA.StopAsync(TimeSpan.FromSeconds(10)); // its own session would be taken over by ours anyway
        using var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", national.MqttPort)
            .WithClientId("province-a")
            .WithCredentials("province-a", secret)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(client, FederationTopics.Events("province-b"), "{}"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(client, Topics.Events("province-a"), "{}"));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, await PublishAsync(client, FederationTopics.Events("province-a"), "not a batch"));
        var subscribed = await client.SubscribeAsync(FederationTopics.Ack("province-b"), MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribed.Items).ResultCode);
        Assert.Equal(1, await MetricAsync(national, "edge_federation_refused_total{reason=\"malformed\"}"));
        Assert.Equal(2 * (FirstPresses.Sum() + SecondPresses.Sum()), (await national.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64());
    }

    private static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic, string payload) =>
        (await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build())).ReasonCode;

    private async Task<FleetRunner> StartProvinceAsync(FleetRunner national, string name)
    {
        var code = await national.EnrolAsync("nation", "-", role: "fleet", deviceId: name);
        var province = Start(new FleetRunner(_folder[name],
            $"--Federation:Upstream:Url={national.BaseUrl.ToString().TrimEnd('/')}",
            $"--Federation:Upstream:ClaimCode={code}",
            $"--Federation:SourceName={name}",
            "--Federation:Upstream:BatchSize=1",
            "--Federation:Upstream:RetrySeconds=0.3",
            "--Federation:Upstream:AckTimeoutSeconds=5"));
        await province.StartAsync();
        var (provinceCode, centreName) = Centres[name];
        using var saved = await province.Http.PutAsJsonAsync($"/api/v1/centres/{FleetRunner.DefaultCentre}", new { name = centreName, province = provinceCode });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        return province;
    }

    private async Task<DeviceRunner> StartDeviceAsync(string id, FleetRunner fleet)
    {
        var device = Start(new DeviceRunner(id, _folder[id], fleet.MqttPort, "--Device:Counter=7"));
        await device.StartAsync();
        return device;
    }

    private T Start<T>(T process)
        where T : IDisposable
    {
        _started.Add(process);
        return process;
    }

    private static Task PressAsync(DeviceRunner device, int[] presses) =>
        Task.WhenAll(presses.Select((count, i) => device.PressAsync(i + 1, count)));

    private static Task DrainedAsync(DeviceRunner device) => Eventually.TrueAsync(
        async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0, Drain, $"{device.Id}'s outbox to drain");

    /// <summary>Polls the nation closely until it holds some of <paramref name="source"/>'s ratings; how many.</summary>
    private static async Task<long> FirstForwardedAsync(FleetRunner national, string source)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Drain)
        {
            try
            {
                if (await ForwardedRatingsAsync(national, source) is > 0 and var held)
                {
                    return held;
                }
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the nation never received a rating from {source}");
    }

    private static async Task<long> ForwardedRatingsAsync(FleetRunner national, string source) =>
        (await national.GetJsonAsync($"/api/v1/federation/centres?source={source}")).EnumerateArray().Sum(c => c.GetProperty("ratings").GetInt64());

    /// <summary>
    /// A sample of the fleet's /metrics (name with labels as written there), 0 when absent. A sample without labels is
    /// written <c>name{} value</c> by the exporter (fleet/Metrics/README.md), which is read as <c>name value</c>.
    /// </summary>
    private static async Task<double> MetricAsync(FleetRunner fleet, string sample)
    {
        var text = await fleet.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').Select(l => l.Replace("{} ", " ", StringComparison.Ordinal)).FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
