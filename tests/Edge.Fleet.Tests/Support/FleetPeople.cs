using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Fleet.Tests.Support;

/// <summary>People on a running fleet, through its API as an administrator would add them and as they sign in.</summary>
public static class FleetPeople
{
    /// <summary>Adds a person (administrator's token) with a password and optionally an e-mail address.</summary>
    public static async Task AddUserAsync(this FleetRunner fleet, string name, string role, string[] centres, string password, string? email)
    {
        using var response = await fleet.Http.PostAsJsonAsync("/api/v1/users", new { name, role, centres, password, email });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Signs <paramref name="name"/> in and returns a client that sends their session token.</summary>
    public static async Task<HttpClient> LoginAsync(this FleetRunner fleet, string name, string password)
    {
        using var anonymous = new HttpClient { BaseAddress = fleet.Http.BaseAddress };
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name, password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var client = new HttpClient { BaseAddress = fleet.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
