using System.Globalization;
using System.Text.Json;
using Edge.Testing;
using Edge.Testing.Browser;
using Xunit.Abstractions;

namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>
/// The public board's page in a real headless Chromium, without login: the figures shown are the authenticated
/// statistics APIs', Vietnamese first with an English toggle, and a phone's viewport shows it without sideways
/// scrolling. With <c>EDGE_SCREENSHOTS</c> set, the pages are saved there (docs/public-centre.png and
/// docs/public-centre-phone.png come from it).
/// </summary>
[Collection(PublicBoardCollection.Name)]
public sealed class PublicBoardPageTests(PublicBoardSite site, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private FleetRunner Fleet => site.Fleet;

    [Fact]
    public async Task Centre_page_shows_the_api_figures_in_vietnamese_switches_to_english_and_fits_a_phone()
    {
        var day = site.Today;
        var queue = (await Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={PublicBoardSite.CentreA}&from={day}&to={day}")).GetProperty("all");
        var ratings = await Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={PublicBoardSite.CentreA}&from={day}&to={day}");
        await using var chromium = await HeadlessChromium.StartAsync();
        var browser = chromium.Session;

        await browser.NavigateAsync($"{Fleet.BaseUrl}public/centres/{PublicBoardSite.CentreA}");
        await browser.WaitUntilAsync("return document.body.dataset.loaded === 'true'", Wait, "the board's figures");
        var shown = await FiguresAsync(browser);
        output.WriteLine($"page: {shown}");
        Assert.Equal("vi", shown.GetProperty("lang").GetString());
        Assert.Equal(queue.GetProperty("served").GetInt32().ToString(CultureInfo.InvariantCulture), shown.GetProperty("ticketsServed").GetString());
        Assert.Equal(queue.GetProperty("waitAvgS").GetDouble(), double.Parse(shown.GetProperty("averageWaitSeconds").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(ratings.GetProperty("total").GetInt64().ToString(CultureInfo.InvariantCulture), shown.GetProperty("ratings").GetString());
        Assert.Equal(ratings.GetProperty("index").GetDouble(), double.Parse(shown.GetProperty("satisfactionIndex").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("71,4 %", shown.GetProperty("indexText").GetString());
        Assert.Equal("7 ngày qua", shown.GetProperty("weekTitle").GetString());
        Assert.Equal(7, shown.GetProperty("weekRows").GetInt32());
        Assert.Equal(ratings.GetProperty("total").GetInt64().ToString(CultureInfo.InvariantCulture), shown.GetProperty("todayRowRatings").GetString());
        Assert.Equal(PublicBoardSite.NameA, shown.GetProperty("name").GetString());
        await SaveAsync(browser, "public-centre.png");

        await browser.ClickAsync((await browser.FindAsync("#lang"))!);
        var english = await FiguresAsync(browser);
        Assert.Equal(("en", "Last 7 days", "71.4 %", "Tiếng Việt"), (english.GetProperty("lang").GetString(), english.GetProperty("weekTitle").GetString(),
            english.GetProperty("indexText").GetString(), english.GetProperty("toggle").GetString()));
        Assert.Equal(shown.GetProperty("ratings").GetString(), english.GetProperty("ratings").GetString());

        // A phone: the choice of language is kept, and nothing is wider than the screen.
        await browser.SetWindowSizeAsync(390, 844);
        await browser.NavigateAsync($"{Fleet.BaseUrl}public/centres/{PublicBoardSite.CentreA}");
        await browser.WaitUntilAsync("return document.body.dataset.loaded === 'true'", Wait, "the board on a phone");
        var phone = await browser.ExecuteAsync(
            "return { width: window.innerWidth, scroll: document.documentElement.scrollWidth, lang: document.documentElement.lang,"
            + " widest: Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right)) };");
        output.WriteLine($"phone: {phone}");
        Assert.InRange(phone.GetProperty("width").GetInt32(), 300, 480);
        Assert.Equal("en", phone.GetProperty("lang").GetString());
        Assert.True(phone.GetProperty("scroll").GetInt32() <= phone.GetProperty("width").GetInt32(), $"horizontal overflow on a phone: {phone}");
        Assert.True(phone.GetProperty("widest").GetDouble() <= phone.GetProperty("width").GetInt32() + 0.5, $"an element reaches past the screen: {phone}");
        await SaveAsync(browser, "public-centre-phone.png");
    }

    [Fact]
    public async Task Province_page_shows_its_shown_centres_together_with_the_figures_of_the_statistics_apis()
    {
        var day = site.Today;
        var centres = new[] { PublicBoardSite.CentreA, PublicBoardSite.CentreB };
        long ratings = 0;
        var served = 0;
        foreach (var centre in centres)
        {
            ratings += (await Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={centre}&from={day}&to={day}")).GetProperty("total").GetInt64();
            served += (await Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={centre}&from={day}&to={day}")).GetProperty("all").GetProperty("served").GetInt32();
        }

        await using var chromium = await HeadlessChromium.StartAsync();
        var browser = chromium.Session;
        await browser.SetWindowSizeAsync(1360, 1400);
        await browser.NavigateAsync($"{Fleet.BaseUrl}public/provinces/{PublicBoardSite.Province}");
        await browser.WaitUntilAsync("return document.body.dataset.loaded === 'true'", Wait, "the province board's figures");
        var shown = await FiguresAsync(browser);
        var lines = await browser.ExecuteAsync(
            "return [...document.querySelectorAll('#centres tbody tr')].map(r => ({ centre: r.dataset.centre, name: r.cells[0].textContent, served: r.cells[1].dataset.value }));");
        output.WriteLine($"page: {shown} {lines}");

        Assert.Equal("Hà Nội", shown.GetProperty("name").GetString());
        Assert.Equal((served.ToString(CultureInfo.InvariantCulture), ratings.ToString(CultureInfo.InvariantCulture)),
            (shown.GetProperty("ticketsServed").GetString(), shown.GetProperty("ratings").GetString()));
        Assert.Equal((1, 9L), (served, ratings));
        Assert.Equal(Math.Round(6.0 / 9, 4), double.Parse(shown.GetProperty("satisfactionIndex").GetString()!, CultureInfo.InvariantCulture));
        // The switched-off centre is neither listed nor counted.
        Assert.Equal([PublicBoardSite.CentreA, PublicBoardSite.CentreB], lines.EnumerateArray().Select(l => l.GetProperty("centre").GetString()));
        Assert.Equal([PublicBoardSite.NameA, PublicBoardSite.NameB], lines.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(["1", "0"], lines.EnumerateArray().Select(l => l.GetProperty("served").GetString()));
        await SaveAsync(browser, "public-province.png");
    }

    private static Task<JsonElement> FiguresAsync(WebDriverSession browser) => browser.ExecuteAsync(
        "const v = f => document.querySelector(`[data-figure='${f}']`).dataset.value;"
        + "return { lang: document.documentElement.lang, name: document.getElementById('name').textContent,"
        + " ticketsServed: v('ticketsServed'), averageWaitSeconds: v('averageWaitSeconds'), ratings: v('ratings'), satisfactionIndex: v('satisfactionIndex'),"
        + " indexText: document.querySelector(\"[data-figure='satisfactionIndex']\").textContent,"
        + " weekTitle: document.querySelector(\"h2[data-t='week']\").textContent, weekRows: document.querySelectorAll('#week tbody tr').length,"
        + " todayRowRatings: document.querySelector('#week tbody tr td.bar').dataset.ratings,"
        + " toggle: document.getElementById('lang').textContent };");

    private static async Task SaveAsync(WebDriverSession browser, string name)
    {
        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 5_000, "a screenshot with content");
        if (Environment.GetEnvironmentVariable("EDGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name), png);
        }
    }
}
