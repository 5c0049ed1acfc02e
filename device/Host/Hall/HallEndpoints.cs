using Edge.Device.Local;
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
    public static LocalRoutes MapHall(this LocalRoutes routes, IConfiguration configuration)
    {
        if (!HallRegistration.IsHall(configuration))
        {
            return routes;
        }

        routes.MapGet("/hall", _ => LocalAnswer.Text(HallPage.Html, "text/html; charset=utf-8"));
        routes.MapGet("/hall/state", r =>
        {
            var (board, receivedAt) = r.Service<HallBoardKeeper>().Current;
            var (announcer, uplink) = (r.Service<HallAnnouncer>(), r.Service<UplinkState>());
            var o = r.Service<IOptions<HallOptions>>().Value;
            var voice = new HallVoiceView(o.Voice, o.NumberReading, announcer.Announced, announcer.Failures, announcer.LastError);
            return LocalAnswer.Json(new HallStateView(uplink.Connected, receivedAt, board, o.CallsShown, voice), HallJson.Default.HallStateView);
        });
        routes.MapGet("/hall/announcements", r =>
        {
            var announcer = r.Service<HallAnnouncer>();
            var folder = new DirectoryInfo(announcer.Folder);
            var list = folder.Exists
                ? folder.GetFiles("*.wav").OrderByDescending(f => f.Name, StringComparer.Ordinal).Select(f => new AnnouncementView(
                    f.Name, ReadText(Path.ChangeExtension(f.FullName, ".txt")), f.Length, f.LastWriteTimeUtc)).ToList()
                : [];
            return LocalAnswer.Json(new AnnouncementListView(folder.FullName, list), HallJson.Default.AnnouncementListView);
        });
        routes.MapGet("/hall/announcements/{file}", r =>
        {
            var file = r.RouteValue!;
            var path = Path.Combine(r.Service<HallAnnouncer>().Folder, Path.GetFileName(file));
            return file.EndsWith(".wav", StringComparison.Ordinal) && File.Exists(path) ? LocalAnswer.File(path, "audio/wav") : LocalAnswer.Empty(LocalStatus.NotFound);
        });
        return routes;
    }

    private static string ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
