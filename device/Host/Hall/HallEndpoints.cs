using Edge.Device.Uplink;
using Microsoft.Extensions.Options;

namespace Edge.Device.Hall;

public static class HallEndpoints
{
    /// <summary>
    /// For a hall device only: <c>GET /hall</c> (the full-screen page Chromium shows), <c>GET /hall/state</c> (what it
    /// shows, as JSON), <c>GET /hall/announcements</c> (the WAV files kept, with their text) and
    /// <c>GET /hall/announcements/{file}</c> (one WAV).
    /// </summary>
    public static IEndpointRouteBuilder MapHall(this IEndpointRouteBuilder app)
    {
        if (!HallRegistration.IsHall(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            return app;
        }

        app.MapGet("/hall", () => Results.Content(HallPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/hall/state", (HallBoardKeeper keeper, HallAnnouncer announcer, UplinkState uplink, IOptions<HallOptions> options) =>
        {
            var (board, receivedAt) = keeper.Current;
            var o = options.Value;
            var voice = new HallVoiceView(o.Voice, o.NumberReading, announcer.Announced, announcer.Failures, announcer.LastError);
            return Results.Json(new HallStateView(uplink.Connected, receivedAt, board, o.CallsShown, voice), HallJson.Default.HallStateView);
        });
        app.MapGet("/hall/announcements", (HallAnnouncer announcer) =>
        {
            var folder = new DirectoryInfo(announcer.Folder);
            var list = folder.Exists
                ? folder.GetFiles("*.wav").OrderByDescending(f => f.Name, StringComparer.Ordinal).Select(f => new AnnouncementView(
                    f.Name, ReadText(Path.ChangeExtension(f.FullName, ".txt")), f.Length, f.LastWriteTimeUtc)).ToList()
                : [];
            return Results.Json(new AnnouncementListView(folder.FullName, list), HallJson.Default.AnnouncementListView);
        });
        app.MapGet("/hall/announcements/{file}", (string file, HallAnnouncer announcer) =>
        {
            var path = Path.Combine(announcer.Folder, Path.GetFileName(file));
            return file.EndsWith(".wav", StringComparison.Ordinal) && File.Exists(path) ? Results.File(path, "audio/wav") : Results.NotFound();
        });
        return app;
    }

    private static string ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
