using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Edge.Testing;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// A fleet started with neither EDGE_ADMIN_TOKEN nor EDGE_ADMIN_PASSWORD writes a one-time administrator token once, to a
/// file only its user may read, and logs the file's path, never the token; a restart says how to sign in again.
/// </summary>
public sealed class AdministratorBootstrapTests : IDisposable
{
    private readonly TempFolder _folder = new("bootstrap");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task First_start_writes_an_administrator_token_to_an_owner_only_file_once_and_it_works()
    {
        var httpPort = FreePort.Next();
        string[] args = ["--urls", $"http://127.0.0.1:{httpPort}", $"--Mqtt:Port={FreePort.Next()}", "--Mqtt:BindAddress=127.0.0.1", $"--Fleet:DataDir={_folder["fleet"]}"];
        var noBootstrap = new Dictionary<string, string> { ["EDGE_ADMIN_TOKEN"] = "", ["EDGE_ADMIN_PASSWORD"] = "" };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };

        string token;
        using (var first = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, args, noBootstrap))
        {
            var tokenFile = Path.Combine(_folder["fleet"], "first-start-admin-token");
            token = await Eventually.ReturnsAsync(
                () => Task.FromResult(File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : ""),
                t => t.StartsWith("edge_", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the one-time token file");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            }

            Assert.Contains(tokenFile, first.Output);
            Assert.DoesNotContain(token, first.Output);
            await Eventually.TrueAsync(async () => (await http.GetAsync("/api/v1/users")).StatusCode == HttpStatusCode.Unauthorized,
                TimeSpan.FromSeconds(30), "the fleet to answer");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

            // The dashboard's login form takes the token in its password field (and a wrong name with it gets 401).
            using var browser = new HttpClient { BaseAddress = http.BaseAddress };
            using var login = await browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "admin", password = token });
            using var wrongName = await browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "someone", password = token });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Contains(login.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("edge_session=", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Unauthorized, wrongName.StatusCode);
        }

        using var second = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, args, noBootstrap);
        await Eventually.TrueAsync(async () => (await http.GetAsync("/api/v1/users")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(60), "the restarted fleet to answer");
        await Task.Delay(1000);
        // No second token; the restart says where the first one still is, never the token itself.
        Assert.DoesNotContain("First start", second.Output);
        Assert.Contains($"Sign in: administrator 'admin' with the one-time token in {Path.Combine(_folder["fleet"], "first-start-admin-token")}", second.Output);
        Assert.DoesNotContain(token, second.Output);
        Assert.Equal(token, File.ReadAllText(Path.Combine(_folder["fleet"], "first-start-admin-token")).Trim());
        await second.StopAsync(TimeSpan.FromSeconds(20));

        // Once the file is deleted, a restart says how an administrator gets in again.
        File.Delete(Path.Combine(_folder["fleet"], "first-start-admin-token"));
        using var third = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, args, noBootstrap);
        await Eventually.TrueAsync(() => Task.FromResult(third.Output.Contains("Sign in with your account", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the restarted fleet to say how to sign in");
        Assert.Contains("EDGE_ADMIN_TOKEN", third.Output);
        Assert.False(File.Exists(Path.Combine(_folder["fleet"], "first-start-admin-token")), "no new token file at a restart");
    }
}
