using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Testing.Browser;

/// <summary>
/// One WebDriver session (W3C protocol over HTTP): the few commands the dashboard tests use. Element ids are the
/// opaque references the driver hands out.
/// </summary>
public sealed class WebDriverSession
{
    /// <summary>Key of an element reference in W3C WebDriver JSON.</summary>
    private const string ElementKey = "element-6066-11e4-a52e-4f735466cecf";

    private readonly HttpClient _http;
    private readonly string _id;

    private WebDriverSession(HttpClient http, string id)
    {
        _http = http;
        _id = id;
    }

    internal static async Task<WebDriverSession> CreateAsync(HttpClient http, JsonObject request)
    {
        var value = await SendAsync(http, HttpMethod.Post, "session", request);
        return new WebDriverSession(http, value.GetProperty("sessionId").GetString()!);
    }

    public Task NavigateAsync(string url) => CommandAsync(HttpMethod.Post, "url", new JsonObject { ["url"] = url });

    public async Task<string> CurrentUrlAsync() => (await CommandAsync(HttpMethod.Get, "url")).GetString()!;

    /// <summary>The first element matching a CSS selector, or null.</summary>
    public async Task<string?> FindAsync(string css)
    {
        var found = await CommandAsync(HttpMethod.Post, "elements", new JsonObject { ["using"] = "css selector", ["value"] = css });
        return found.GetArrayLength() == 0 ? null : found[0].GetProperty(ElementKey).GetString();
    }

    public async Task<string> TextAsync(string element) =>
        (await CommandAsync(HttpMethod.Get, $"element/{element}/text")).GetString() ?? "";

    public Task ClickAsync(string element) => CommandAsync(HttpMethod.Post, $"element/{element}/click", new JsonObject());

    public Task ClearAsync(string element) => CommandAsync(HttpMethod.Post, $"element/{element}/clear", new JsonObject());

    public Task TypeAsync(string element, string text) =>
        CommandAsync(HttpMethod.Post, $"element/{element}/value", new JsonObject { ["text"] = text });

    /// <summary>Runs JavaScript in the page (<c>return ...</c> gives the value) and returns its result.</summary>
    public Task<JsonElement> ExecuteAsync(string script, params object?[] args) =>
        CommandAsync(HttpMethod.Post, "execute/sync", new JsonObject
        {
            ["script"] = script,
            ["args"] = JsonSerializer.SerializeToNode(args),
        });

    /// <summary>Tab, Enter, Escape and Shift (W3C key values) for <see cref="PressKeyAsync"/>.</summary>
    public const string Tab = "\uE004";
    public const string Enter = "\uE007";
    public const string Escape = "\uE00C";

    /// <summary>
    /// Presses and releases one key on the keyboard (W3C actions): it goes to whatever has the focus, as a person's
    /// key press does, so Tab moves the focus and Enter activates the focused control.
    /// </summary>
    public Task PressKeyAsync(string key) =>
        CommandAsync(HttpMethod.Post, "actions", new JsonObject
        {
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "key",
                ["id"] = "keyboard",
                ["actions"] = new JsonArray(
                    new JsonObject { ["type"] = "keyDown", ["value"] = key },
                    new JsonObject { ["type"] = "keyUp", ["value"] = key }),
            }),
        });

    /// <summary>A PNG of the viewport.</summary>
    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((await CommandAsync(HttpMethod.Get, "screenshot")).GetString()!);

    public Task SetWindowSizeAsync(int width, int height) =>
        CommandAsync(HttpMethod.Post, "window/rect", new JsonObject { ["width"] = width, ["height"] = height });

    /// <summary>Polls a script until it returns true, failing with the last value and <paramref name="what"/>.</summary>
    public async Task WaitUntilAsync(string script, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = await ExecuteAsync(script);
            if (result.ValueKind == JsonValueKind.True)
            {
                return;
            }

            last = result.ToString();
            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting in the browser for {what}; last result: {last}");
    }

    internal Task DeleteAsync() => CommandAsync(HttpMethod.Delete, "");

    private Task<JsonElement> CommandAsync(HttpMethod method, string path, JsonObject? body = null) =>
        SendAsync(_http, method, path.Length == 0 ? $"session/{_id}" : $"session/{_id}/{path}", body);

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // A body with its length: chromedriver resets connections that send a chunked one.
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var value = json.GetProperty("value");
        if (!response.IsSuccessStatusCode)
        {
            var error = value.TryGetProperty("error", out var e) ? e.GetString() : "unknown";
            var message = value.TryGetProperty("message", out var m) ? m.GetString() : "";
            throw new InvalidOperationException($"WebDriver {method} {path} failed: {error}: {message}");
        }

        return value.Clone();
    }
}
