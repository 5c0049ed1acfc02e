using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Hall;

/// <summary>
/// What a hall display says it announced: the WAV files it keeps in simulation, listed on its local endpoint
/// (<c>GET /hall/announcements</c>, newest first), and their length measured with sox.
/// </summary>
public static class HallAnnouncements
{
    /// <summary>The announcements listed by the hall on <paramref name="hall"/> (its local endpoint).</summary>
    public static async Task<List<JsonElement>> ListAsync(HttpClient hall) =>
        (await ListingAsync(hall)).GetProperty("announcements").EnumerateArray().ToList();

    /// <summary>The whole listing: the folder the WAV files are kept in and the announcements.</summary>
    public static async Task<JsonElement> ListingAsync(HttpClient hall) => await hall.GetFromJsonAsync<JsonElement>("/hall/announcements");

    /// <summary>
    /// Whether every listed announcement is complete: the hall writes the text beside the WAV once espeak-ng has
    /// finished it, so a WAV listed without its text may still be being written.
    /// </summary>
    public static bool Complete(IEnumerable<JsonElement> announcements) =>
        announcements.All(a => a.GetProperty("text").GetString() is { Length: > 0 });

    /// <summary>The length of a WAV file in seconds (<c>sox --i -D</c>).</summary>
    public static async Task<double> DurationAsync(string wav) =>
        double.Parse((await ExternalTool.RunAsync("sox", ["--i", "-D", wav], TimeSpan.FromSeconds(30))).Trim(), CultureInfo.InvariantCulture);
}
