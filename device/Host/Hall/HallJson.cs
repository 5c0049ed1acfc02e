using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Wire;

namespace Edge.Device.Hall;

/// <summary>
/// GET /hall/state: the last board (null until the first arrives), when it arrived, whether the link to the fleet is up
/// now (the page says so discreetly when not), and what the voice has done.
/// </summary>
public sealed record HallStateView(bool Connected, DateTimeOffset? ReceivedAt, HallBoard? Board, int CallsShown, HallVoiceView Voice);

public sealed record HallVoiceView(bool Enabled, string NumberReading, long Announced, long Failures, string? LastError);

/// <summary>One announcement kept on disk: its WAV file name, the text said, its size.</summary>
public sealed record AnnouncementView(string File, string Text, long Bytes, DateTimeOffset At);

public sealed record AnnouncementListView(string Folder, IReadOnlyList<AnnouncementView> Announcements);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HallStateView))]
[JsonSerializable(typeof(AnnouncementListView))]
internal sealed partial class HallJson : JsonSerializerContext;
