using System.Text.Json;
using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Ingest;

public sealed class StoreUnavailableAnswersTests
{
    [Fact]
    public async Task Api_call_while_the_store_is_unavailable_answers_503_with_the_reason()
    {
        var context = await InvokeAsync("/api/v1/devices", new StoreUnavailableException("the disk is full"));

        Assert.Equal(503, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("the disk is full", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_asked_with_a_token_while_the_registry_is_down_answers_503_not_500()
    {
        // The bearer token is checked against the registry before /healthz runs: its outage must read as the store's.
        var context = await InvokeAsync("/healthz", new StoreUnavailableException("registry: the disk is full"));

        Assert.Equal(503, context.Response.StatusCode);
    }

    [Fact]
    public async Task Other_failures_and_other_routes_are_not_turned_into_503()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("/api/v1/devices", new InvalidOperationException("bug")));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => InvokeAsync("/index.html", new StoreUnavailableException("the disk is full")));
    }

    private static async Task<HttpContext> InvokeAsync(string path, Exception thrown)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var answers = new StoreUnavailableAnswers(_ => throw thrown, NullLogger<StoreUnavailableAnswers>.Instance);
        await answers.InvokeAsync(context);
        return context;
    }
}
