using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Ingest;

/// <summary>Why one event of a batch was refused (the reason codes of fleet/Ingest/README.md).</summary>
public static class EventRejections
{
    /// <summary>A rating without a level.</summary>
    public const string RatingWithoutLevel = "rating-without-level";

    /// <summary>A rating scale outside <see cref="RatingScale.IsValid"/> (2..10 levels).</summary>
    public const string InvalidScale = "invalid-scale";

    /// <summary>A rating level outside 1..scale (0, −1, 99, int.MinValue).</summary>
    public const string LevelOutOfScale = "level-out-of-scale";

    /// <summary>A kind, counter, run, ticket, field, subject or state longer than <see cref="EventVetting.MaxTextBytes"/>.</summary>
    public const string TextTooLong = "text-too-long";
}

/// <summary>What ingest stores of a batch, and the events it refused (seq and reason).</summary>
public sealed record VettedBatch(EventBatch Batch, IReadOnlyList<(long Seq, string Reason)> Rejected);

/// <summary>
/// The fleet trusts the registry, not the payload. Pure, per batch: the counter of every event becomes the registry's
/// (for an enrolled device), uptime is clamped, free text is cut, and an event that is invalid for its kind is
/// replaced by a <see cref="RejectedKind"/> marker with the same seq: stored (so the seq is no gap and the device's
/// outbox drains) but never counted in statistics. Nothing here throws on any input the reader lets through.
/// </summary>
public static class EventVetting
{
    /// <summary>Kind of the marker stored in place of a refused event; its <c>state</c> holds the reason, its <c>subject</c> the refused kind.</summary>
    public const string RejectedKind = "rejected";

    /// <summary>Identifier-like strings: far below every index limit (see <see cref="StorableEvent.MaxKeyBytes"/>).</summary>
    public const int MaxTextBytes = 128;

    public static VettedBatch Vet(EventBatch batch, DeviceAssignment? assignment)
    {
        List<(long, string)>? rejected = null;
        var events = new List<DeviceEvent>(batch.Events.Count);
        foreach (var e in batch.Events)
        {
            if (ReasonToRefuse(e) is { } reason)
            {
                (rejected ??= []).Add((e.Seq, reason));
                events.Add(Marker(e, reason));
                continue;
            }

            var vetted = e with
            {
                UptimeMs = Math.Clamp(e.UptimeMs, 0, StorableEvent.MaxUptimeMs),
                Detail = StorableEvent.Cap(e.Detail, StorableEvent.MaxDetailBytes),
            };
            if (assignment is not null)
            {
                vetted = vetted with { Counter = assignment.Counter };
            }

            events.Add(vetted);
        }

        return new VettedBatch(batch with { Events = events }, rejected ?? []);
    }

    /// <summary>The reason code an event is refused for, or null when it may be stored as sent.</summary>
    public static string? ReasonToRefuse(DeviceEvent e)
    {
        if (!Fits(e.Kind) || !Fits(e.Counter) || !Fits(e.Run) || !Fits(e.Ticket) || !Fits(e.Field) || !Fits(e.Subject) || !Fits(e.State))
        {
            return EventRejections.TextTooLong;
        }

        if (e.Kind == EventKinds.Rating)
        {
            var scale = e.Scale ?? RatingScale.Default;
            if (!RatingScale.IsValid(scale))
            {
                return EventRejections.InvalidScale;
            }

            if (e.Level is not { } level)
            {
                return EventRejections.RatingWithoutLevel;
            }

            if (level < 1 || level > scale)
            {
                return EventRejections.LevelOutOfScale;
            }
        }

        return null;
    }

    private static bool Fits(string? text) => StorableEvent.Fits(text, MaxTextBytes);

    private static DeviceEvent Marker(DeviceEvent e, string reason) => new()
    {
        Seq = e.Seq,
        Kind = RejectedKind,
        At = e.At,
        UptimeMs = Math.Clamp(e.UptimeMs, 0, StorableEvent.MaxUptimeMs),
        Run = StorableEvent.Cap(e.Run, MaxTextBytes),
        Subject = StorableEvent.Cap(e.Kind, MaxTextBytes),
        State = reason,
    };
}
