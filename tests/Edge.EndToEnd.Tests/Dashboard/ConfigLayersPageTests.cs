using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Testing.Browser;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Dashboard;

/// <summary>
/// The configuration layers page in a real headless Chromium, signed in as the administrator of a fleet as shipped: a
/// centre's layer is replaced by typing a document into the page's editor and saving it by keyboard (Tab to the save
/// button, Enter), and the layer API then answers what was typed; an invalid document is refused with the API's own
/// sentence and every problem it lists shown on the page, and the stored layer stays as it was.
/// </summary>
public sealed class ConfigLayersPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Centre = "Hà Đông 1";
    private const string LayerApi = "/api/v1/config/layers/centre/H%C3%A0%20%C4%90%C3%B4ng%201";
    private static readonly TimeSpan Wait = TechnicianSite.Wait;
    private TechnicianSite _site = null!;

    public async Task InitializeAsync() => _site = await TechnicianSite.StartAsync();

    public async Task DisposeAsync()
    {
        output.WriteLine(_site.Diagnostics());
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task A_centre_layer_typed_and_saved_by_keyboard_is_stored_and_an_invalid_one_is_refused_with_each_problem_shown()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _site.Fleet.Http.GetAsync(LayerApi)).StatusCode);
        var browser = await _site.OpenAsync("/config/centre/" + Uri.EscapeDataString(Centre));
        await browser.WaitUntilAsync("return document.querySelector('#layer-meta [data-layer-state]')?.dataset.layerState === 'none'", Wait,
            "the page to say the centre's layer has no settings yet");
        Assert.Contains(Centre, await _site.TextAsync("#layer-heading"));

        const string valid = "{\"Rating:LockoutMs\": 2500, \"Printer:CentreName\": \"Trung tâm Hà Đông\", \"Rating:Labels\": [\"Tệ\", \"Tốt\"]}";
        await SaveByKeyboardAsync(browser, valid);
        await browser.WaitUntilAsync("return !!document.querySelector('#layer-result [data-result]')", Wait, "the page's answer to the save");
        var saved = await browser.ExecuteAsync("return document.querySelector('#layer-result [data-result]').dataset.result");
        Assert.True(saved.GetString() == "saved", $"the valid layer was not saved: {await _site.TextAsync("#layer-result")}");

        var stored = await _site.Fleet.GetJsonAsync(LayerApi);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(valid), JsonNode.Parse(stored.GetProperty("settings").GetRawText())),
            $"stored {stored.GetProperty("settings").GetRawText()}, typed {valid}");
        Assert.Equal("admin", stored.GetProperty("updatedBy").GetString());
        var revision = stored.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(revision, (await browser.ExecuteAsync("return document.querySelector('#layer-result [data-result=saved]').dataset.revision")).GetString());
        Assert.Contains(revision, await _site.TextAsync("#layer-result"));
        await browser.WaitUntilAsync($"return document.querySelector('#layer-meta [data-layer-state=stored]')?.dataset.revision === '{revision}'", Wait,
            "the page to show the stored revision");
        var editor = (await browser.ExecuteAsync("return document.getElementById('layer-settings').value")).GetString()!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(valid), JsonNode.Parse(editor)), $"the editor shows {editor} after saving");
        await _site.ScreenshotAsync("dashboard-config-layer.png");

        // Three faults the API finds itself: an unknown key, a list for a single value, a device-only key in a centre layer.
        const string invalid = "{\"Rating:LockoutMs\": [2500], \"Device:Role\": \"kiosk\", \"Nope:Key\": 1}";
        using var direct = await _site.Fleet.Http.PutAsJsonAsync(LayerApi, new { settings = JsonNode.Parse(invalid) });
        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        var refusal = await direct.Content.ReadFromJsonAsync<JsonElement>();
        var sentence = refusal.TryGetProperty("detail", out var detail) ? detail.GetString()! : refusal.GetProperty("error").GetString()!;
        var problems = refusal.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(3, problems.Count);

        await SaveByKeyboardAsync(browser, invalid);
        await browser.WaitUntilAsync("return document.querySelector('#layer-result [data-result]')?.dataset.result === 'refused'", Wait,
            "the page to show the refusal");
        Assert.Equal("400", (await browser.ExecuteAsync("return document.querySelector('#layer-result [data-result=refused]').dataset.status")).GetString());
        Assert.Contains(sentence, await _site.TextAsync("#layer-result [data-result=refused] p"));
        var shown = (await browser.ExecuteAsync("return [...document.querySelectorAll('#layer-problems li')].map(li => li.textContent)"))
            .EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(problems, shown);
        await _site.ScreenshotAsync("dashboard-config-layer-refused.png");

        var after = await _site.Fleet.GetJsonAsync(LayerApi);
        Assert.Equal(revision, after.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(valid), JsonNode.Parse(after.GetProperty("settings").GetRawText())),
            $"the refused document changed the layer: {after.GetProperty("settings").GetRawText()}");
        // What the technician typed stays in the editor to be corrected.
        Assert.Equal(invalid, (await browser.ExecuteAsync("return document.getElementById('layer-settings').value")).GetString());
    }

    /// <summary>Replaces the editor's text by typing, then Tab to the save button and Enter, as a keyboard user does.</summary>
    private async Task SaveByKeyboardAsync(WebDriverSession browser, string document)
    {
        var editor = await browser.FindAsync("#layer-settings") ?? throw new InvalidOperationException("no #layer-settings");
        await browser.ClearAsync(editor);
        await browser.TypeAsync(editor, document);
        Assert.Equal(document, (await browser.ExecuteAsync("return document.getElementById('layer-settings').value")).GetString());
        await browser.PressKeyAsync(WebDriverSession.Tab);
        Assert.Equal("layer-save", (await browser.ExecuteAsync("return document.activeElement.id")).GetString());
        await browser.PressKeyAsync(WebDriverSession.Enter);
    }
}
