using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Queue;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Scale;

/// <summary>
/// A centre that started on the embedded default grows into PostgreSQL without re-enrolling anything: the
/// <c>move-to-postgres</c> verb copies an embedded fleet with devices, people, tickets, alerts and ratings, and a node
/// on PostgreSQL then gives the same REST answers; running the verb again refuses, or (told to merge) doubles nothing.
/// </summary>
[Collection(SeveralNodesCollection.Name)]
public sealed class MoveToPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private static readonly string[] Answers =
    [
        "/api/v1/registry",
        "/api/v1/users",
        "/api/v1/stats/ratings",
        "/api/v1/stats/ratings?counter=1",
        "/api/v1/queue/tickets?centre=centre-m",
        "/api/v1/stats/queue?centre=centre-m",
        "/api/v1/centres/centre-m/lan",
    ];

    private readonly TempFolder _folder = new("move");
    private ThrowawayPostgres? _postgres;

    public async Task InitializeAsync() => _postgres = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task An_embedded_fleet_moved_into_PostgreSQL_gives_the_same_answers()
    {
        var alertArgs = new[]
        {
            "--Alerts:EvaluateEverySeconds=0.5", "--Alerts:Defaults:OpeningHours=always", "--Alerts:Defaults:OfflineMinutes=0.05",
            "--Alerts:Defaults:ClockUnsyncedMinutes=0", "--Alerts:Defaults:NoRatingHours=0",
        };
        Dictionary<string, string> before;
        List<string> alertsBefore;
        string kioskKey;
        using (var embedded = new FleetRunner(_folder["embedded"], alertArgs))
        {
            await embedded.StartAsync();
            using var kiosk = new DeviceRunner("kiosk-m", _folder["kiosk-m"], embedded.MqttPort, QueueCentre.KioskArguments(1, 99)) { Centre = "centre-m", Role = "kiosk" };
            using var counter = new DeviceRunner("counter-m", _folder["counter-m"], embedded.MqttPort,
                ["--Device:Counter=1", "--Health:IntervalSeconds=1", .. QueueCentre.CounterArguments()]) { Centre = "centre-m" };
            await Task.WhenAll(kiosk.StartAsync(), counter.StartAsync());
            using (var user = await embedded.Http.PostAsJsonAsync("/api/v1/users", new { name = "manager-m", role = "manager", centres = new[] { "centre-m" }, password = "manager-password-1" }))
            {
                Assert.True(user.IsSuccessStatusCode, await user.Content.ReadAsStringAsync());
            }

            await QueueCentre.PressPinAsync(kiosk, QueueCentre.Fields[0].Pin, 6);
            await Eventually.TrueAsync(async () => (await TicketCountAsync(embedded)) == 6, Settle, "six tickets at the fleet");
            for (var i = 0; i < 4; i++)
            {
                Assert.NotEqual("----", await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin));
                await counter.PressAsync(button: 1 + i, count: 1);
            }

            await Eventually.TrueAsync(async () => (await embedded.GetJsonAsync("/api/v1/stats/ratings?counter=1")).GetProperty("total").GetInt32() == 4, Settle, "four ratings");
            counter.Kill();
            await Eventually.TrueAsync(async () => (await embedded.GetJsonAsync("/api/v1/alerts")).GetProperty("open").GetArrayLength() >= 1, Settle, "an alert for the stopped counter");
            kiosk.Kill();
            kioskKey = JsonSerializer.Deserialize<JsonElement>(File.ReadAllBytes(Path.Combine(kiosk.DataDir, "centre-key.json"))).GetProperty("key").GetString()!;
            await Task.Delay(1500);
            before = await AnswersAsync(embedded);
            alertsBefore = AlertIds(await embedded.GetJsonAsync("/api/v1/alerts?days=30"));
            embedded.Kill();
        }

        var target = await _postgres!.CreateDatabaseAsync();
        var first = await MoveAsync(target);
        Assert.True(first.ExitCode == 0, first.Output);
        output.WriteLine(first.Output);
        var again = await MoveAsync(target);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("non-empty", again.Output);
        var merged = await MoveAsync(target, "--Move:IntoNonEmpty=true");
        Assert.True(merged.ExitCode == 0, merged.Output);

        // The centre key the devices got at provisioning moved with its version: no device needs a new one.
        var database = target.Split(';').Single(p => p.StartsWith("Database=", StringComparison.OrdinalIgnoreCase))["Database=".Length..];
        Assert.Equal($"{kioskKey}|1", (await _postgres.PsqlAsync(database, "SELECT key || '|' || version FROM centre_keys WHERE centre = 'centre-m'")).Trim());

        using var moved = new FleetRunner(_folder["moved"], [.. alertArgs, "--Store:Kind=postgres", $"--Store:Postgres:ConnectionString={target}"]);
        await moved.StartAsync();
        var after = await AnswersAsync(moved);
        foreach (var path in Answers)
        {
            Assert.True(before[path] == after[path], $"{path} differs after the move:\nbefore {before[path]}\nafter  {after[path]}");
        }

        // Every alert moved with its id and times; the moved fleet may open new ones of its own (a device stopped just
        // before the move is offline there too).
        Assert.Subset(AlertIds(await moved.GetJsonAsync("/api/v1/alerts?days=30")).ToHashSet(), alertsBefore.ToHashSet());
        using var login = await new HttpClient { BaseAddress = moved.Http.BaseAddress }.PostAsJsonAsync("/api/v1/auth/login", new { name = "manager-m", password = "manager-password-1" });
        Assert.True(login.IsSuccessStatusCode, "the manager's password was moved too");
    }

    private static async Task<int> TicketCountAsync(FleetRunner fleet) =>
        (await fleet.GetJsonAsync("/api/v1/queue/tickets?centre=centre-m")).GetProperty("tickets").GetArrayLength();

    /// <summary>Each answer as canonical JSON, without what depends on the moment it was asked (presence, last seen).</summary>
    private static async Task<Dictionary<string, string>> AnswersAsync(FleetRunner fleet)
    {
        var answers = new Dictionary<string, string>();
        foreach (var path in Answers)
        {
            var json = await fleet.GetJsonAsync(path);
            answers[path] = Canonical(json);
        }

        return answers;
    }

    private static List<string> AlertIds(JsonElement alerts) =>
        alerts.GetProperty("history").EnumerateArray().Select(a => $"{a.GetProperty("id").GetString()} {a.GetProperty("kind").GetString()} {a.GetProperty("openedAt").GetString()}").Order().ToList();

    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject()
            .Where(p => p.Name is not ("lastSeenAt" or "online" or "lastSeen"))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"\"{p.Name}\":{Canonical(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        _ => element.GetRawText(),
    };

    private async Task<(int ExitCode, string Output)> MoveAsync(string connectionString, params string[] extra)
    {
        using var verb = ChildProcess.StartDll("move", RepoPaths.FleetDll,
            ["move-to-postgres", $"--Fleet:DataDir={_folder["embedded"]}", $"--Store:Postgres:ConnectionString={connectionString}", .. extra]);
        var exitCode = await verb.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, verb.Output);
    }
}
