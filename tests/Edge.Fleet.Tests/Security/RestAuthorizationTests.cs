using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using MQTTnet;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// Who may call what over REST, with real logins against a real fleet process: anonymous, administrator,
/// technician, and a manager of centre A who must get 403 for anything of centre B through every endpoint.
/// </summary>
public sealed class RestAuthorizationTests(SecuredFleet site) : IClassFixture<SecuredFleet>
{
    private const string Password = SecuredFleet.Password;

    private FleetRunner _fleet => site.Fleet;

    private HttpClient _anonymous => site.Anonymous;

    private HttpClient _technician => site.Technician;

    private HttpClient _managerA => site.ManagerA;

    [Theory]
    [InlineData("/api/v1/devices")]
    [InlineData("/api/v1/stats/ratings")]
    [InlineData("/api/v1/ingest/counters")]
    [InlineData("/api/v1/registry")]
    [InlineData("/api/v1/enrolments")]
    [InlineData("/api/v1/users")]
    [InlineData("/api/v1/audit")]
    [InlineData("/api/v1/security/counters")]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/api/v1/alerts")]
    [InlineData("/api/v1/health")]
    [InlineData("/api/v1/stats/ratings/daily")]
    [InlineData("/api/v1/devices/dev-a/config")]
    [InlineData("/api/v1/config/drift")]
    [InlineData("/api/v1/devices/dev-a/commands")]
    [InlineData("/api/v1/releases")]
    [InlineData("/api/v1/rollouts")]
    [InlineData("/api/v1/queue/tickets")]
    [InlineData("/api/v1/notifications/dead-letters")]
    [InlineData("/api/v1/alerts/some-alert")]
    public async Task Anonymous_callers_get_401(string path)
    {
        using var response = await _anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, path);
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "edge_forged-token");
        using var withForgedToken = await _anonymous.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, withForgedToken.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/devices?centre=centre-b")]
    [InlineData("/api/v1/stats/ratings?centre=centre-b")]
    [InlineData("/api/v1/stats/ratings?device=dev-b")]
    [InlineData("/api/v1/stats/ratings?centre=centre-b&counter=1")]
    [InlineData("/api/v1/registry?centre=centre-b")]
    [InlineData("/api/v1/ingest/counters")]
    [InlineData("/api/v1/enrolments")]
    [InlineData("/api/v1/users")]
    [InlineData("/api/v1/audit")]
    [InlineData("/api/v1/security/counters")]
    [InlineData("/api/v1/devices/dev-b/config")]
    [InlineData("/api/v1/devices/dev-b/commands")]
    [InlineData("/api/v1/releases")]
    [InlineData("/api/v1/rollouts")]
    [InlineData("/api/v1/notifications/dead-letters")]
    public async Task Manager_of_centre_A_gets_403_for_centre_B_and_for_fleet_wide_endpoints(string path)
    {
        using var response = await _managerA.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Dashboard endpoints filter to the manager's centres rather than refuse: either way, nothing of B.</summary>
    [Theory]
    [InlineData("/api/v1/devices")]
    [InlineData("/api/v1/registry")]
    [InlineData("/api/v1/alerts?centre=centre-b")]
    [InlineData("/api/v1/health")]
    [InlineData("/api/v1/health/dev-b")]
    [InlineData("/api/v1/stats/ratings/daily?centre=centre-b&groupBy=counter")]
    [InlineData("/api/v1/stats/ratings/daily.csv?centre=centre-b&groupBy=counter")]
    [InlineData("/api/v1/alerts/rules")]
    [InlineData("/api/v1/config/drift")]
    [InlineData("/api/v1/config/layers/centre/centre-b")]
    public async Task Manager_of_centre_A_never_receives_data_of_centre_B(string path)
    {
        using var response = await _managerA.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
            || (response.IsSuccessStatusCode && !body.Contains("dev-b", StringComparison.Ordinal) && !body.Contains("centre-b", StringComparison.Ordinal)),
            $"{path}: {(int)response.StatusCode} {body}");
    }

    [Fact]
    public async Task Manager_sees_only_their_centre_in_lists_and_statistics()
    {
        var devices = await _managerA.GetFromJsonAsync<JsonElement>("/api/v1/devices");
        Assert.Equal(["dev-a"], devices.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var registry = await _managerA.GetFromJsonAsync<JsonElement>("/api/v1/registry");
        Assert.Equal(["dev-a"], registry.EnumerateArray().Select(d => d.GetProperty("id").GetString()));

        // Counter "1" exists in both centres: the manager's view counts only centre A's.
        var mine = await _managerA.GetFromJsonAsync<JsonElement>("/api/v1/stats/ratings?counter=1");
        Assert.Equal(4, mine.GetProperty("total").GetInt64());
        var all = await _fleet.GetJsonAsync("/api/v1/stats/ratings?counter=1");
        Assert.Equal(12, all.GetProperty("total").GetInt64());
        var centreB = await _fleet.GetJsonAsync("/api/v1/stats/ratings?centre=centre-b");
        Assert.Equal(8, centreB.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Manager_and_technician_cannot_do_what_their_role_does_not_allow()
    {
        using var enrol = await _managerA.PostAsJsonAsync("/api/v1/enrolments", new { centre = "centre-a", counter = "9" });
        Assert.Equal(HttpStatusCode.Forbidden, enrol.StatusCode);
        using var retire = await _managerA.PostAsync("/api/v1/devices/dev-b/retire", null);
        Assert.Equal(HttpStatusCode.Forbidden, retire.StatusCode);
        using var promote = await _managerA.PostAsJsonAsync("/api/v1/users", new { name = "manager-a", role = "administrator", password = Password });
        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
        using var rules = await _managerA.PutAsJsonAsync("/api/v1/alerts/rules/centre-b", new { });
        Assert.True(rules.StatusCode is HttpStatusCode.Forbidden, $"PUT alert rules of centre B: {rules.StatusCode}");

        using var configB = await _managerA.PutAsJsonAsync("/api/v1/devices/dev-b/config", new { settings = new Dictionary<string, object>() });
        Assert.Equal(HttpStatusCode.Forbidden, configB.StatusCode);
        using var commandB = await _managerA.PostAsJsonAsync("/api/v1/devices/dev-b/commands", new { kind = "reboot" });
        Assert.Equal(HttpStatusCode.Forbidden, commandB.StatusCode);
        using var rollout = await _technician.PostAsJsonAsync("/api/v1/rollouts", new { version = "9.9.9", devices = new[] { "dev-a" } });
        Assert.Equal(HttpStatusCode.Forbidden, rollout.StatusCode);

        using var anonymousAcknowledges = await _anonymous.PostAsync("/api/v1/alerts/some-alert/acknowledge", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousAcknowledges.StatusCode);
        using var technicianDeadLetters = await _technician.GetAsync("/api/v1/notifications/dead-letters");
        Assert.Equal(HttpStatusCode.Forbidden, technicianDeadLetters.StatusCode);
        using var technicianRetries = await _technician.PostAsJsonAsync("/api/v1/notifications/dead-letters/retry", new { channel = "mail", id = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, technicianRetries.StatusCode);
        using var unknownAlert = await _managerA.PostAsync("/api/v1/alerts/no-such-alert/resolve", null);
        Assert.Equal(HttpStatusCode.NotFound, unknownAlert.StatusCode);

        using var technicianEnrols = await _technician.PostAsJsonAsync("/api/v1/enrolments", new { centre = "centre-a", counter = "9" });
        Assert.Equal(HttpStatusCode.OK, technicianEnrols.StatusCode);
        using var technicianAudit = await _technician.GetAsync("/api/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, technicianAudit.StatusCode);
        using var technicianPromotes = await _technician.PostAsJsonAsync("/api/v1/users", new { name = "tech", role = "administrator", password = Password });
        Assert.Equal(HttpStatusCode.Forbidden, technicianPromotes.StatusCode);
    }

    /// <summary>Revoking tokens and deleting users is for administrators only (the token id need not exist: authorization comes first).</summary>
    [Theory]
    [InlineData("/api/v1/tokens/some-token-id")]
    [InlineData("/api/v1/users/manager-a")]
    [InlineData("/api/v1/users/tech")]
    public async Task Only_administrators_delete_tokens_and_users(string path)
    {
        using var anonymous = await _anonymous.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var manager = await _managerA.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, manager.StatusCode);
        using var technician = await _technician.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, technician.StatusCode);
    }

    [Fact]
    public async Task Failed_and_successful_logins_are_audited_and_a_wrong_password_gets_401()
    {
        using var wrong = await _anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "manager-a", password = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var nobody = await _anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "nobody", password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);

        var audit = await _fleet.GetJsonAsync("/api/v1/audit");
        var actions = audit.EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Subject: e.GetProperty("subject").GetString())).ToList();
        Assert.Contains(("login.failed", "manager-a"), actions);
        Assert.Contains(("login.failed", "nobody"), actions);
        Assert.Contains(("login.succeeded", "manager-a"), actions);
        Assert.Contains(("device.provisioned", "dev-b"), actions);
        Assert.Contains(actions, a => a.Action == "enrolment.created");
    }

    [Fact]
    public async Task Login_cookie_and_api_tokens_authenticate()
    {
        using var cookies = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = _fleet.Http.BaseAddress };
        using var login = await cookies.PostAsJsonAsync("/api/v1/auth/login", new { name = "manager-a", password = Password });
        login.EnsureSuccessStatusCode();
        var me = await cookies.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("manager", me.GetProperty("role").GetString());

        using var issued = await _technician.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "script" });
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var script = new HttpClient { BaseAddress = _fleet.Http.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var counters = await script.GetAsync("/api/v1/ingest/counters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
    }
}

/// <summary>One fleet for all the authorization tests: users tech (technician) and manager-a (centre-a), devices dev-a (centre-a, 4 ratings) and dev-b (centre-b, 8 ratings), both at a counter named "1".</summary>
public sealed class SecuredFleet : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private readonly TempFolder _folder = new("rest-auth");
    public FleetRunner Fleet { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Technician { get; private set; } = null!;
    public HttpClient ManagerA { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Centre B has alert rules of its own, so that a manager of centre A reading the rules would see them.
        Fleet = new FleetRunner(_folder["fleet"], "--Alerts:Centres:centre-b:OfflineMinutes=7");
        await Fleet.StartAsync();
        // No cookie container: a login through this client must not make its later requests authenticated.
        Anonymous = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Fleet.Http.BaseAddress };
        await CreateUserAsync("tech", "technician", []);
        await CreateUserAsync("manager-a", "manager", ["centre-a"]);
        Technician = await LoginAsync("tech");
        ManagerA = await LoginAsync("manager-a");

        // Ratings at a counter "1" of each centre: same counter name, different centres.
        foreach (var (centre, device, count) in new[] { ("centre-a", "dev-a", 4), ("centre-b", "dev-b", 8) })
        {
            var credentials = await Fleet.ProvisionAsync(centre, "1", device);
            await using var probe = await MqttProbe.ConnectAsDeviceAsync(Fleet.MqttPort, credentials.DeviceId, credentials.Secret);
            Assert.Equal(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(device, device, 1, count, "1"));
        }
    }

    public Task DisposeAsync()
    {
        foreach (var client in new[] { Anonymous, Technician, ManagerA })
        {
            client?.Dispose();
        }

        Fleet.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private async Task CreateUserAsync(string name, string role, string[] centres)
    {
        using var response = await Fleet.Http.PostAsJsonAsync("/api/v1/users", new { name, role, centres, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpClient> LoginAsync(string name)
    {
        using var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var client = new HttpClient { BaseAddress = Fleet.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
