using System.Globalization;
using System.Net;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>
/// The JSON behind the public board, without login, against a real fleet whose devices rated and queued through the
/// real MQTT path: its figures are the authenticated statistics APIs', it holds only aggregate fields, many viewers
/// share one computation, a switched-off board serves nothing, and one address over its rate limit gets 429 while
/// another does not.
/// </summary>
[Collection(PublicBoardCollection.Name)]
public sealed class PublicBoardApiTests(PublicBoardSite site)
{
    private FleetRunner Fleet => site.Fleet;

    [Fact]
    public async Task Centre_board_has_the_figures_of_the_statistics_apis_today_and_for_each_day_of_the_week()
    {
        using var client = site.AnonymousFrom("127.0.0.11");
        var board = await BoardAsync(client, $"/public/api/centres/{PublicBoardSite.CentreA}");
        var day = site.Today;
        var first = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var queue = (await Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={PublicBoardSite.CentreA}&from={day}&to={day}")).GetProperty("all");
        var ratings = await Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={PublicBoardSite.CentreA}&from={day}&to={day}");

        var today = board.GetProperty("today");
        Assert.Equal(("centre", PublicBoardSite.CentreA, day), (board.GetProperty("kind").GetString(), board.GetProperty("id").GetString(), board.GetProperty("day").GetString()));
        Assert.Equal(queue.GetProperty("served").GetInt32(), today.GetProperty("ticketsServed").GetInt32());
        Assert.Equal(queue.GetProperty("waitAvgS").GetDouble(), today.GetProperty("averageWaitSeconds").GetDouble());
        Assert.Equal(ratings.GetProperty("total").GetInt64(), today.GetProperty("ratings").GetInt64());
        Assert.Equal(ratings.GetProperty("index").GetDouble(), today.GetProperty("satisfactionIndex").GetDouble());
        // What the devices did (PublicBoardSite): 1 served of 2 called, waits of 10 and 8 minutes and more; 7 counted ratings, 5 satisfied.
        Assert.Equal(1, today.GetProperty("ticketsServed").GetInt32());
        Assert.InRange(today.GetProperty("averageWaitSeconds").GetDouble(), 480, 3600);
        Assert.Equal(7, today.GetProperty("ratings").GetInt64());
        Assert.Equal(Math.Round(5.0 / 7, 4), today.GetProperty("satisfactionIndex").GetDouble());

        var week = board.GetProperty("week").EnumerateArray().ToList();
        var daily = (await Fleet.GetJsonAsync($"/api/v1/stats/ratings/daily?centre={PublicBoardSite.CentreA}&groupBy=day&from={first}&to={day}"))
            .GetProperty("groups").EnumerateArray().ToList();
        var queueDays = (await Fleet.GetJsonAsync($"/api/v1/stats/queue?centre={PublicBoardSite.CentreA}&from={first}&to={day}"))
            .GetProperty("byDay").EnumerateArray().ToDictionary(d => d.GetProperty("key").GetString()!);
        Assert.Equal(7, week.Count);
        Assert.Equal(daily.Select(d => d.GetProperty("key").GetString()), week.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal(day, week[^1].GetProperty("date").GetString());
        for (var i = 0; i < week.Count; i++)
        {
            Assert.Equal(daily[i].GetProperty("total").GetInt64(), week[i].GetProperty("ratings").GetInt64());
            Assert.Equal(daily[i].GetProperty("index").ToString(), week[i].GetProperty("satisfactionIndex").ToString());
            var served = queueDays.TryGetValue(week[i].GetProperty("date").GetString()!, out var q) ? q.GetProperty("served").GetInt32() : 0;
            Assert.Equal(served, week[i].GetProperty("ticketsServed").GetInt32());
        }

        Assert.Equal((2L, 0.5), (week[^2].GetProperty("ratings").GetInt64(), week[^2].GetProperty("satisfactionIndex").GetDouble()));
        Assert.Equal(1L, week[^4].GetProperty("ratings").GetInt64());
        Assert.Equal(JsonValueKind.Null, week[0].GetProperty("averageWaitSeconds").ValueKind);
    }

    [Fact]
    public async Task Board_json_holds_only_allow_listed_aggregate_fields_and_no_device_counter_or_ticket()
    {
        using var client = site.AnonymousFrom("127.0.0.12");
        var board = await BoardAsync(client, $"/public/api/centres/{PublicBoardSite.CentreA}");

        var province = await BoardAsync(client, $"/public/api/provinces/{PublicBoardSite.Province}");
        var forbidden = site.DeviceIds.Concat(PublicBoardSite.Counters).Concat(["A001", "A002", "A003", PublicBoardSite.Field]).ToList();

        foreach (var answer in new[] { board, province })
        {
            var offending = BoardAllowList.Violations(answer, forbidden);
            Assert.True(offending.Count == 0, "Not an aggregate field of the allow-list: " + string.Join(", ", offending));
        }

        // Every allow-listed path is one the answers really have (the list is not wider than the board).
        Assert.Equal(BoardAllowList.Paths.Order(), BoardAllowList.PathsOf(board).Union(BoardAllowList.PathsOf(province)).Order());
        // The walk itself catches a field it does not know: a device id slipped in fails it.
        var forged = JsonDocument.Parse(board.ToString().Replace("\"today\":{", "\"today\":{\"device\":\"pb-counter-1\",", StringComparison.Ordinal)).RootElement;
        Assert.Contains("today.device", BoardAllowList.Violations(forged, site.DeviceIds));
    }

    [Fact]
    public async Task Many_viewers_share_one_computation_and_a_revalidation_with_the_etag_is_304()
    {
        using var client = site.AnonymousFrom("127.0.0.13");
        var before = await Fleet.GetJsonAsync("/api/v1/public-board/counters");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync($"/public/api/centres/{PublicBoardSite.Quiet}")));

        var after = await Fleet.GetJsonAsync("/api/v1/public-board/counters");
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, after.GetProperty("computations").GetInt64() - before.GetProperty("computations").GetInt64());
        Assert.Equal(20, after.GetProperty("answers").GetInt64() - before.GetProperty("answers").GetInt64());
        var tags = answers.Select(a => a.Headers.ETag?.Tag).Distinct().ToList();
        Assert.Single(tags);
        Assert.NotNull(tags[0]);
        var cacheControl = answers[0].Headers.CacheControl!;
        Assert.True(cacheControl.Public);
        Assert.InRange(cacheControl.MaxAge!.Value.TotalSeconds, 0, 30);
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(1, JsonDocument.Parse(bodies[0]).RootElement.GetProperty("today").GetProperty("ratings").GetInt64());

        using var revalidation = new HttpRequestMessage(HttpMethod.Get, $"/public/api/centres/{PublicBoardSite.Quiet}");
        revalidation.Headers.TryAddWithoutValidation("If-None-Match", tags[0]);
        using var notModified = await client.SendAsync(revalidation);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task A_switched_off_board_serves_neither_page_nor_figures_and_reads_like_an_unknown_one()
    {
        using var client = site.AnonymousFrom("127.0.0.14");
        // The centre has figures (seen with a login) ...
        Assert.Equal(2, (await Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={PublicBoardSite.Hidden}")).GetProperty("total").GetInt64());
        var before = (await Fleet.GetJsonAsync("/api/v1/public-board/counters")).GetProperty("notShown").GetInt64();

        // ... but not in public: a neutral page and no figures (404), the same answers as for a centre that does not exist.
        using var page = await client.GetAsync($"/public/centres/{PublicBoardSite.Hidden}");
        using var figures = await client.GetAsync($"/public/api/centres/{PublicBoardSite.Hidden}");
        using var unknownPage = await client.GetAsync("/public/centres/pb-centre-nowhere");
        using var unknownFigures = await client.GetAsync("/public/api/centres/pb-centre-nowhere");

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound),
            (page.StatusCode, figures.StatusCode, unknownPage.StatusCode, unknownFigures.StatusCode));
        var pageText = await page.Content.ReadAsStringAsync();
        var figuresText = await figures.Content.ReadAsStringAsync();
        Assert.Equal(await unknownPage.Content.ReadAsStringAsync(), pageText);
        Assert.Equal(await unknownFigures.Content.ReadAsStringAsync(), figuresText);
        Assert.Contains("Không có bảng công khai", pageText, StringComparison.Ordinal);
        Assert.DoesNotContain("board.js", pageText, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(figuresText).RootElement;
        Assert.Equal(("not-shown", 404), (problem.GetProperty("error").GetString(), problem.GetProperty("status").GetInt32()));
        Assert.Equal(["title", "status", "detail", "error"], problem.EnumerateObject().Select(p => p.Name));
        Assert.Equal(before + 4, (await Fleet.GetJsonAsync("/api/v1/public-board/counters")).GetProperty("notShown").GetInt64());
        // A centre the directory does not know, switched off by PublicBoard:HiddenCentres: the same.
        using var unlisted = await client.GetAsync($"/public/api/centres/{PublicBoardSite.HiddenUnlisted}");
        Assert.Equal(HttpStatusCode.NotFound, unlisted.StatusCode);
        Assert.Equal(figuresText, await unlisted.Content.ReadAsStringAsync());
        using var shown = await client.GetAsync($"/public/centres/{PublicBoardSite.CentreA}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("board.js", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_address_over_its_limit_gets_429_with_retry_after_and_another_address_is_served()
    {
        using var greedy = site.AnonymousFrom("127.0.0.15");
        using var other = site.AnonymousFrom("127.0.0.16");
        var before = (await Fleet.GetJsonAsync("/api/v1/public-board/counters")).GetProperty("rateLimited").GetInt64();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= PublicBoardSite.RequestsPerMinute; i++)
        {
            var response = await greedy.GetAsync($"/public/api/centres/{PublicBoardSite.CentreA}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
                break;
            }

            response.Dispose();
        }

        // The window is a minute and the loop takes seconds: exactly the limit answered, the next refused.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, PublicBoardSite.RequestsPerMinute).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.NotNull(refused!.Headers.RetryAfter?.Delta);
        refused.Dispose();

        using var served = await other.GetAsync($"/public/api/centres/{PublicBoardSite.CentreA}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using var stillRefused = await greedy.GetAsync($"/public/centres/{PublicBoardSite.CentreA}");
        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);
        // The signed-in API is not limited by the board's policy.
        Assert.Equal(7, (await Fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={PublicBoardSite.CentreA}&from={site.Today}&to={site.Today}")).GetProperty("total").GetInt64());
        Assert.Equal(before + 2, (await Fleet.GetJsonAsync("/api/v1/public-board/counters")).GetProperty("rateLimited").GetInt64());
    }

    private static async Task<JsonElement> BoardAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.WwwAuthenticate.FirstOrDefault());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
