using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Fleet.Hosting;
using Edge.Fleet.Tests.Support;
using Edge.Fleet.Tests.Security;
using Edge.Testing;
using Edge.Wire;
using Microsoft.AspNetCore.Routing;
using MQTTnet;

namespace Edge.Fleet.Tests.Web;

/// <summary>
/// What a script writer relies on (issue 16, item 8), against a real fleet process with device authentication on and
/// a device provisioned by claim code: the OpenAPI document matches the real routes, from/to mean the same on every
/// statistics endpoint, unknown query parameters and every other 4xx answer a problem document, levels are named,
/// one last-seen time, and tokens and users can be deleted.
/// </summary>
public sealed class ApiContractTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly TempFolder _folder = new("api-contract");
    private FleetRunner _fleet = null!;
    private DeviceCredentials _device = null!;

    public async Task InitializeAsync()
    {
        _fleet = new FleetRunner(_folder["fleet"]);
        await _fleet.StartAsync();
        _device = await _fleet.ProvisionAsync("centre-a", "1", "dev-api");
    }

    public Task DisposeAsync()
    {
        _fleet.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_api_route_of_the_application_and_no_other()
    {
        var real = await RealApiRoutesAsync(_folder["in-process"]);
        using var anonymous = new HttpClient { BaseAddress = _fleet.Http.BaseAddress };
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(op => op.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .Where(r => r.Split(' ')[1].StartsWith("/api/", StringComparison.Ordinal))
            .ToHashSet();

        Assert.True(real.Count > 40, $"only {real.Count} routes found");
        Assert.Empty(real.Except(described));
        Assert.Empty(described.Except(real));
        Assert.Contains("DELETE /api/v1/tokens/{id}", described);
        // The query parameters the document gives are the ones the fleet accepts.
        var ratings = document.GetProperty("paths").GetProperty("/api/v1/stats/ratings").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["centre", "counter", "device", "field", "from", "province", "to"], ratings);
    }

    [Fact]
    public async Task The_same_window_counts_the_same_on_every_rating_statistics_endpoint()
    {
        await PublishRatingsAsync(12);
        var day = Events.Morning.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd");
        var from = Uri.EscapeDataString(Events.Morning.AddSeconds(3).ToString("O"));
        var to = Uri.EscapeDataString(Events.Morning.AddSeconds(9).ToString("O"));

        foreach (var (window, expected) in new[] { ($"from={day}&to={day}", 12L), ($"from={from}&to={to}", 6L) })
        {
            var ratings = await _fleet.GetJsonAsync("/api/v1/stats/ratings?" + window);
            var daily = await _fleet.GetJsonAsync("/api/v1/stats/ratings/daily?groupBy=day&" + window);
            var byCounter = await _fleet.GetJsonAsync("/api/v1/stats/ratings/daily?groupBy=counter&centre=centre-a&" + window);
            Assert.Equal(expected, ratings.GetProperty("total").GetInt64());
            Assert.Equal(expected, daily.GetProperty("total").GetProperty("total").GetInt64());
            Assert.Equal(expected, byCounter.GetProperty("total").GetProperty("total").GetInt64());
        }

        var csv = await _fleet.Http.GetStringAsync($"/api/v1/stats/ratings/daily.csv?groupBy=day&from={day}&to={day}");
        Assert.Contains("\r\ntotal,12,", csv);
    }

    [Fact]
    public async Task Rating_answers_name_each_level_beside_its_number()
    {
        await PublishRatingsAsync(5);

        var ratings = await _fleet.GetJsonAsync("/api/v1/stats/ratings");

        Assert.Equal(2, ratings.GetProperty("byLevel").GetProperty("1").GetInt64());
        var levels = ratings.GetProperty("levels").EnumerateArray()
            .Select(l => (l.GetProperty("level").GetInt32(), l.GetProperty("name").GetString(), l.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([(4, "Rất hài lòng", 1L), (3, "Hài lòng", 1L), (2, "Bình thường", 1L), (1, "Không hài lòng", 2L)], levels);
        var daily = await _fleet.GetJsonAsync("/api/v1/stats/ratings/daily?groupBy=counter&from=2026-11-23&to=2026-11-23");
        Assert.Equal("very satisfied", daily.GetProperty("total").GetProperty("levels")[0].GetProperty("nameEn").GetString());
    }

    [Theory]
    [InlineData("/api/v1/stats/ratings?center=centre-b", "center")]
    [InlineData("/api/v1/stats/ratings/daily?centre=centre-a&grupBy=day", "grupBy")]
    [InlineData("/api/v1/devices?limit=3", "limit")]
    [InlineData("/api/v1/users?x=1", "x")]
    public async Task An_unknown_query_parameter_is_refused_with_a_problem_naming_it(string path, string parameter)
    {
        using var response = await _fleet.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_client_error_is_a_problem_document_and_keeps_the_endpoints_own_fields()
    {
        using var anonymous = new HttpClient { BaseAddress = _fleet.Http.BaseAddress };
        using var manager = await ClientOfNewUserAsync("manager-x", "manager", ["centre-a"]);
        var answers = new List<(HttpResponseMessage Response, int Status)>
        {
            (await anonymous.GetAsync("/api/v1/devices"), 401),
            (await manager.GetAsync("/api/v1/stats/ratings?centre=centre-b"), 403),
            (await manager.GetAsync("/api/v1/users"), 403),
            (await _fleet.Http.GetAsync("/api/v1/stats/ratings?from=yesterday-ish"), 400),
            (await _fleet.Http.GetAsync("/api/v1/health/nobody"), 404),
            (await _fleet.Http.GetAsync("/api/v1/no-such-route"), 404),
            (await _fleet.Http.DeleteAsync("/api/v1/stats/ratings"), 405),
            (await _fleet.Http.PostAsJsonAsync("/api/v1/enrolments", new { centre = "", counter = "" }), 400),
        };

        foreach (var (response, status) in answers)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(status == (int)response.StatusCode, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {body}");
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{response.RequestMessage.RequestUri}: {body}");
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal(status, problem.GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
            }
        }

        // An endpoint's own error body keeps its field (the dashboard and scripts read "error").
        using var bad = await _fleet.Http.GetAsync("/api/v1/stats/ratings?from=yesterday-ish");
        var kept = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("from", kept.GetProperty("error").GetString());
        Assert.Equal(kept.GetProperty("error").GetString(), kept.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Devices_health_and_registry_show_one_last_seen_that_moves_with_every_heartbeat()
    {
        await using var probe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, _device.DeviceId, _device.Secret);
        await PublishHeartbeatAsync(probe);
        var first = await AgreedLastSeenAsync(null);
        await Task.Delay(1100);
        await PublishHeartbeatAsync(probe);
        var second = await AgreedLastSeenAsync(first);
        await Task.Delay(1100);
        await PublishHeartbeatAsync(probe);
        var third = await AgreedLastSeenAsync(second);

        Assert.True(first < second && second < third, $"{first:O} {second:O} {third:O}");
    }

    [Fact]
    public async Task A_revoked_token_and_a_deleted_users_tokens_are_refused_at_once_and_both_are_audited()
    {
        using var tech = await ClientOfNewUserAsync("tech-x", "technician", []);
        using var issued = await tech.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "script" });
        var token = await issued.Content.ReadFromJsonAsync<JsonElement>();
        using var script = Client(token.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/ingest/counters")).StatusCode);

        using var refusedToTech = await tech.DeleteAsync("/api/v1/tokens/" + token.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refusedToTech.StatusCode);
        using var revoked = await _fleet.Http.DeleteAsync("/api/v1/tokens/" + token.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/ingest/counters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tech.GetAsync("/api/v1/ingest/counters")).StatusCode);
        using var again = await _fleet.Http.DeleteAsync("/api/v1/tokens/" + token.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        using var deleted = await _fleet.Http.DeleteAsync("/api/v1/users/tech-x");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tech.GetAsync("/api/v1/ingest/counters")).StatusCode);
        using var login = await Client(null).PostAsJsonAsync("/api/v1/auth/login", new { name = "tech-x", password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        using var self = await _fleet.Http.DeleteAsync("/api/v1/users/admin");
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);

        var audit = await _fleet.GetJsonAsync("/api/v1/audit");
        var actions = audit.EnumerateArray().Select(e => (e.GetProperty("action").GetString(), e.GetProperty("subject").GetString())).ToList();
        Assert.Contains(("token.revoked", token.GetProperty("id").GetString()), actions);
        Assert.Contains(("user.deleted", "tech-x"), actions);
    }

    /// <summary>Every /api route of the application as built by <see cref="FleetApp"/>, read from its endpoint data sources.</summary>
    private static async Task<HashSet<string>> RealApiRoutesAsync(string dataDir)
    {
        await using var app = FleetApp.Build(["--Fleet:DataDir=" + dataDir, "--Mqtt:Port=" + FreePort.Next(), "--urls", "http://127.0.0.1:0"]);
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(r => r.Split(' ')[1].StartsWith("/api/", StringComparison.Ordinal))
            .ToHashSet();
    }

    private async Task PublishRatingsAsync(int count)
    {
        await using var probe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, _device.DeviceId, _device.Secret);
        Assert.Equal(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(_device.DeviceId, _device.DeviceId, 1, count, "1"));
    }

    private async Task PublishHeartbeatAsync(MqttProbe probe)
    {
        var report = new HealthReport { At = DateTimeOffset.UtcNow, UptimeS = 10 };
        // The embedded broker answers "no matching subscribers" when only the fleet's interceptor takes the message.
        var result = await probe.PublishAsync(Topics.Health(_device.DeviceId), JsonSerializer.SerializeToUtf8Bytes(report, WireJson.Default.HealthReport));
        Assert.True(result is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers, result.ToString());
    }

    /// <summary>Waits until /devices, /health and /registry give the same last-seen time, later than <paramref name="after"/>.</summary>
    private async Task<DateTimeOffset> AgreedLastSeenAsync(DateTimeOffset? after)
    {
        var seen = await Eventually.ReturnsAsync(
            async () =>
            {
                var devices = await _fleet.GetJsonAsync("/api/v1/devices");
                var health = await _fleet.GetJsonAsync("/api/v1/health");
                var registry = await _fleet.GetJsonAsync("/api/v1/registry");
                return new SeenOn(Of(devices, "lastSeen"), Of(health, "lastSeen"), Of(registry, "lastSeenAt"));
            },
            seen => seen.Devices is { } t && t == seen.Health && t == seen.Registry && (after is null || t > after),
            TimeSpan.FromSeconds(30),
            "one last-seen time on /devices, /health and /registry");
        return seen.Devices!.Value;
    }

    private sealed record SeenOn(DateTimeOffset? Devices, DateTimeOffset? Health, DateTimeOffset? Registry);

    private DateTimeOffset? Of(JsonElement list, string property) =>
        list.EnumerateArray().FirstOrDefault(d => d.GetProperty("id").GetString() == _device.DeviceId) is { ValueKind: JsonValueKind.Object } d
            && d.GetProperty(property).ValueKind == JsonValueKind.String
            ? d.GetProperty(property).GetDateTimeOffset()
            : null;

    private async Task<HttpClient> ClientOfNewUserAsync(string name, string role, string[] centres)
    {
        using var created = await _fleet.Http.PostAsJsonAsync("/api/v1/users", new { name, role, centres, password = Password });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        using var login = await Client(null).PostAsJsonAsync("/api/v1/auth/login", new { name, password = Password });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        return Client((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
    }

    private HttpClient Client(string? token)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _fleet.Http.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
