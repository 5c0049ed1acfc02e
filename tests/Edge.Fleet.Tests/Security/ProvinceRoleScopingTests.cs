using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using MQTTnet;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// The roles above the centre on a real fleet process (auth on, devices provisioned by claim code): a province officer
/// of province A (Hà Nội, 01) walks every read endpoint of the OpenAPI document, so an endpoint added later is walked
/// too, and gets nothing of province B (Bắc Ninh, 24) or of a centre not in the directory; a national viewer reads
/// everything; both are refused every write.
/// </summary>
public sealed class ProvinceRoleScopingTests(ProvinceFleet site) : IClassFixture<ProvinceFleet>
{
    /// <summary>What of province B must never appear in an answer to the officer of A.</summary>
    private static readonly string[] OfB = ["dev-b", "centre-b", "Trung tâm B", "dev-x", "centre-x"];

    [Fact]
    public async Task A_province_officer_walking_every_read_endpoint_gets_nothing_of_another_province()
    {
        var reads = (await site.OperationsAsync()).Where(o => o.Method == "GET").ToList();
        Assert.True(reads.Count > 30, $"only {reads.Count} read endpoints in the OpenAPI document");
        var leaks = new List<string>();
        var answered = 0;
        foreach (var operation in reads)
        {
            foreach (var url in operation.UrlsAimingAt("centre-b", "dev-b", "24"))
            {
                using var response = await site.OfficerA.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                answered += response.IsSuccessStatusCode ? 1 : 0;
                if (response.IsSuccessStatusCode && OfB.FirstOrDefault(b => body.Contains(b, StringComparison.Ordinal)) is { } leaked)
                {
                    leaks.Add($"{url}: {(int)response.StatusCode} shows '{leaked}': {body[..Math.Min(body.Length, 300)]}");
                }
                else if (response.StatusCode is HttpStatusCode.InternalServerError)
                {
                    leaks.Add($"{url}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
                }
            }
        }

        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
        Assert.True(answered >= 12, $"only {answered} reads answered; the walk proves little");
    }

    [Fact]
    public async Task A_province_officer_sees_the_centres_of_their_province_and_a_national_viewer_sees_all()
    {
        var officerDevices = await site.OfficerA.GetFromJsonAsync<JsonElement>("/api/v1/devices");
        Assert.Equal(["dev-a"], officerDevices.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var officerRatings = await site.OfficerA.GetFromJsonAsync<JsonElement>("/api/v1/stats/ratings?counter=1");
        Assert.Equal(4, officerRatings.GetProperty("total").GetInt64());
        using var centreB = await site.OfficerA.GetAsync("/api/v1/stats/ratings?centre=centre-b");
        Assert.Equal(HttpStatusCode.Forbidden, centreB.StatusCode);

        var nationDevices = await site.Nation.GetFromJsonAsync<JsonElement>("/api/v1/devices");
        Assert.Equal(["dev-a", "dev-b", "dev-x"], nationDevices.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order());
        var nationRatings = await site.Nation.GetFromJsonAsync<JsonElement>("/api/v1/stats/ratings?counter=1");
        Assert.Equal(4 + 8 + 2, nationRatings.GetProperty("total").GetInt64());
        var me = await site.OfficerA.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal(("province-officer", "01"), (me.GetProperty("role").GetString(), me.GetProperty("provinces")[0].GetString()));
    }

    [Fact]
    public async Task Statistics_are_filtered_and_grouped_by_province_and_centre_within_the_callers_scope()
    {
        const string November = "from=2026-11-01&to=2026-11-30";
        static IEnumerable<(string?, long)> Rows(JsonElement view) =>
            view.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("key").GetString(), g.GetProperty("total").GetInt64()));

        var byProvince = await site.Fleet.GetJsonAsync($"/api/v1/stats/ratings/daily?{November}&groupBy=province");
        Assert.Equal([("(none)", 2L), ("01", 4L), ("24", 8L)], Rows(byProvince).OrderBy(r => r.Item1, StringComparer.Ordinal));
        Assert.Equal(14, byProvince.GetProperty("total").GetProperty("total").GetInt64());
        var byCentre = await site.Fleet.GetJsonAsync($"/api/v1/stats/ratings/daily?{November}&groupBy=centre&province=24");
        Assert.Equal([("centre-b", 8L)], Rows(byCentre));
        Assert.Equal(8, (await site.Fleet.GetJsonAsync("/api/v1/stats/ratings?province=24")).GetProperty("total").GetInt64());
        var csv = await site.Fleet.Http.GetStringAsync($"/api/v1/stats/ratings/daily.csv?{November}&groupBy=centre");
        Assert.Contains("\r\ncentre-b,8,", csv);

        var officer = await site.OfficerA.GetFromJsonAsync<JsonElement>($"/api/v1/stats/ratings/daily?{November}&groupBy=province");
        Assert.Equal([("01", 4L)], Rows(officer));
        Assert.Equal(4, officer.GetProperty("total").GetProperty("total").GetInt64());
        using var otherProvince = await site.OfficerA.GetAsync("/api/v1/stats/ratings?province=24");
        Assert.Equal(HttpStatusCode.Forbidden, otherProvince.StatusCode);
        using var noProvince = await site.OfficerA.GetAsync("/api/v1/stats/ratings/daily?province=99");
        Assert.Equal(HttpStatusCode.BadRequest, noProvince.StatusCode);
        using var both = await site.Fleet.Http.GetAsync("/api/v1/stats/ratings?province=01&centre=centre-a");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task Queue_statistics_are_given_for_a_province_within_the_callers_scope()
    {
        const string Day = "from=2026-11-23&to=2026-11-23";
        var hanoi = await site.OfficerA.GetFromJsonAsync<JsonElement>($"/api/v1/stats/queue?province=01&{Day}");
        Assert.Equal(("01", "2026-11-23"), (hanoi.GetProperty("centre").GetString(), hanoi.GetProperty("to").GetString()));
        Assert.DoesNotContain("centre-b", hanoi.GetRawText(), StringComparison.Ordinal);
        var csv = await site.Nation.GetStringAsync($"/api/v1/stats/queue?province=24&{Day}&format=csv");
        Assert.StartsWith("24,2026-11-23,2026-11-23,centre,24,", csv.TrimStart('\uFEFF').Split("\r\n")[1], StringComparison.Ordinal);

        using var otherProvince = await site.OfficerA.GetAsync($"/api/v1/stats/queue?province=24&{Day}");
        Assert.Equal(HttpStatusCode.Forbidden, otherProvince.StatusCode);
        using var noProvince = await site.OfficerA.GetAsync($"/api/v1/stats/queue?province=99&{Day}");
        Assert.Equal(HttpStatusCode.BadRequest, noProvince.StatusCode);
        using var both = await site.Fleet.Http.GetAsync($"/api/v1/stats/queue?province=01&centre=centre-a&{Day}");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task The_comparison_ranks_provinces_or_a_provinces_centres_with_the_figures_of_the_statistics_and_the_target()
    {
        const string Day = "from=2026-11-23&to=2026-11-23";
        var nation = await site.Fleet.GetJsonAsync($"/api/v1/comparison?{Day}");
        Assert.Equal("province", nation.GetProperty("level").GetString());
        Assert.Equal(0.9, nation.GetProperty("target").GetDouble());
        var rows = nation.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["(none)", "01", "24"], rows.Select(r => r.GetProperty("key").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3], rows.Select(r => r.GetProperty("rank").GetInt32()));
        foreach (var row in rows.Where(r => r.GetProperty("key").GetString() != "(none)"))
        {
            var code = row.GetProperty("key").GetString();
            var stats = await site.Fleet.GetJsonAsync($"/api/v1/stats/ratings?province={code}&{Day}");
            Assert.Equal(stats.GetProperty("total").GetInt64(), row.GetProperty("ratings").GetInt64());
            Assert.Equal(stats.GetProperty("index").GetDouble(), row.GetProperty("index").GetDouble());
            Assert.Equal(stats.GetProperty("index").GetDouble() < 0.9, row.GetProperty("belowTarget").GetBoolean());
        }

        Assert.Equal(
            rows.Where(r => r.GetProperty("belowTarget").GetBoolean()).Select(r => r.GetProperty("key").GetString()),
            nation.GetProperty("belowTarget").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("Bắc Ninh", rows.Single(r => r.GetProperty("key").GetString() == "24").GetProperty("name").GetString());

        var hanoi = await site.Fleet.GetJsonAsync($"/api/v1/comparison?province=01&{Day}");
        var centreA = Assert.Single(hanoi.GetProperty("rows").EnumerateArray());
        Assert.Equal(("centre-a", "Trung tâm A", 4L), (centreA.GetProperty("key").GetString(), centreA.GetProperty("name").GetString(), centreA.GetProperty("ratings").GetInt64()));

        var officer = await site.OfficerA.GetFromJsonAsync<JsonElement>($"/api/v1/comparison?{Day}");
        Assert.Equal(["01"], officer.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        using var other = await site.OfficerA.GetAsync($"/api/v1/comparison?province=24&{Day}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task A_centre_added_to_the_province_is_seen_by_its_officer_at_once()
    {
        using var added = await site.Fleet.Http.PutAsJsonAsync("/api/v1/centres/centre-x", new { name = "Trung tâm X", province = "01" });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        try
        {
            var devices = await site.OfficerA.GetFromJsonAsync<JsonElement>("/api/v1/devices");
            Assert.Equal(["dev-a", "dev-x"], devices.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order());
        }
        finally
        {
            using var removed = await site.Fleet.Http.DeleteAsync("/api/v1/centres/centre-x");
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
    }

    [Fact]
    public async Task Province_officers_and_national_viewers_are_refused_every_write()
    {
        var writes = (await site.OperationsAsync()).Where(o => o.Method != "GET" && !o.IsOwnSession).ToList();
        Assert.True(writes.Count > 15, $"only {writes.Count} write endpoints in the OpenAPI document");
        var allowed = new List<string>();
        foreach (var client in new[] { site.OfficerA, site.Nation })
        {
            foreach (var operation in writes)
            {
                var url = operation.UrlsAimingAt("centre-a", "dev-a", "01").First();
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url)
                {
                    Content = new StringContent("{}", Encoding.UTF8, "application/json"),
                };
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    allowed.Add($"{operation.Method} {url}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(allowed.Count == 0, string.Join('\n', allowed));
        using var token = await site.OfficerA.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "script" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        // A write that a manager of the centre may do is refused by the read-only gate itself, and counted.
        var before = (await site.Fleet.GetJsonAsync("/api/v1/security/counters")).GetProperty("readOnlyWritesRefused").GetInt64();
        using var acknowledge = await site.OfficerA.PostAsync("/api/v1/alerts/some-alert/acknowledge", null);
        Assert.Equal(HttpStatusCode.Forbidden, acknowledge.StatusCode);
        var after = (await site.Fleet.GetJsonAsync("/api/v1/security/counters")).GetProperty("readOnlyWritesRefused").GetInt64();
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task A_province_officer_needs_known_provinces()
    {
        using var none = await site.Fleet.Http.PostAsJsonAsync("/api/v1/users", new { name = "po-none", role = "province-officer", password = ProvinceFleet.Password });
        using var unknown = await site.Fleet.Http.PostAsJsonAsync("/api/v1/users",
            new { name = "po-unknown", role = "province-officer", provinces = new[] { "01", "99" }, password = ProvinceFleet.Password });

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("99", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}

/// <summary>
/// One fleet for the province role tests: centre-a in province 01 (dev-a, 4 ratings), centre-b in 24 (dev-b, 8),
/// centre-x not in the directory (dev-x, 2), all at a counter "1"; officer-a (province officer of 01) and nation
/// (national viewer).
/// </summary>
public sealed class ProvinceFleet : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private readonly TempFolder _folder = new("province-roles");
    private List<ApiOperation>? _operations;

    public FleetRunner Fleet { get; private set; } = null!;

    public HttpClient OfficerA { get; private set; } = null!;

    public HttpClient Nation { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fleet = new FleetRunner(_folder["fleet"], "--Alerts:Centres:centre-b:OfflineMinutes=7");
        await Fleet.StartAsync();
        using var imported = await Fleet.Http.PostAsync("/api/v1/centres/import",
            new StringContent("id,name,province\ncentre-a,Trung tâm A,01\ncentre-b,Trung tâm B,24\n", Encoding.UTF8, "text/csv"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        await AddUserAsync(new { name = "officer-a", role = "province-officer", provinces = new[] { "01" }, password = Password });
        await AddUserAsync(new { name = "nation", role = "national-viewer", password = Password });
        OfficerA = await Fleet.LoginAsync("officer-a", Password);
        Nation = await Fleet.LoginAsync("nation", Password);

        foreach (var (centre, device, count) in new[] { ("centre-a", "dev-a", 4), ("centre-b", "dev-b", 8), ("centre-x", "dev-x", 2) })
        {
            var credentials = await Fleet.ProvisionAsync(centre, "1", device);
            await using var probe = await MqttProbe.ConnectAsDeviceAsync(Fleet.MqttPort, credentials.DeviceId, credentials.Secret);
            Assert.Equal(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(device, device, 1, count, "1"));
        }

        // An alert of centre B, so that the alert endpoints have something to leak.
        using var enrol = await Fleet.Http.PostAsJsonAsync("/api/v1/enrolments", new { centre = "centre-b", counter = "2" });
        Assert.True(enrol.IsSuccessStatusCode);
    }

    /// <summary>Every <c>/api</c> operation of the fleet's OpenAPI document.</summary>
    public async Task<IReadOnlyList<ApiOperation>> OperationsAsync()
    {
        if (_operations is null)
        {
            using var anonymous = new HttpClient { BaseAddress = Fleet.Http.BaseAddress };
            var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            _operations = document.GetProperty("paths").EnumerateObject()
                .Where(path => path.Name.StartsWith("/api/", StringComparison.Ordinal))
                .SelectMany(path => path.Value.EnumerateObject()
                    .Where(op => op.Name is "get" or "post" or "put" or "delete" or "patch")
                    .Select(op => new ApiOperation(op.Name.ToUpperInvariant(), path.Name, QueryOf(op.Value))))
                .ToList();
        }

        return _operations;
    }

    public Task DisposeAsync()
    {
        OfficerA?.Dispose();
        Nation?.Dispose();
        Fleet.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static IReadOnlyList<string> QueryOf(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
            : [];

    private async Task AddUserAsync(object user)
    {
        using var response = await Fleet.Http.PostAsJsonAsync("/api/v1/users", user);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>One operation of the OpenAPI document: method, path template and its query parameters.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<string> Query)
{
    public bool IsOwnSession => Path is "/api/v1/auth/logout" or "/api/v1/auth/tokens" or "/api/v1/auth/login" or "/api/v1/provision";

    /// <summary>
    /// The URLs that ask this operation about the given centre, device and province: the path's parameters filled in
    /// (a centre where the path is about centres, otherwise the device), once bare and once with each scoping query
    /// parameter it declares (<c>centre</c>, <c>device</c>, <c>province</c>) set.
    /// </summary>
    public IEnumerable<string> UrlsAimingAt(string centre, string device, string province)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(Path, "{([^}]+)}", m =>
            m.Groups[1].Value.Contains("centre", StringComparison.OrdinalIgnoreCase) || Path.StartsWith("/api/v1/centres/", StringComparison.Ordinal)
                || (m.Groups[1].Value == "name" && Path.Contains("/layers/", StringComparison.Ordinal))
                ? centre
                : m.Groups[1].Value == "scope" ? "centre" : device);
        yield return path;
        var values = new Dictionary<string, string> { ["centre"] = centre, ["device"] = device, ["province"] = province };
        var scoping = Query.Where(values.ContainsKey).ToList();
        if (scoping.Count > 0)
        {
            yield return path + "?" + string.Join('&', scoping.Select(q => $"{q}={Uri.EscapeDataString(values[q])}"));
        }
    }
}
