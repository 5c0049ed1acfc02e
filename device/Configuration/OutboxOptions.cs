using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>The local event buffer (section "Outbox").</summary>
public sealed class OutboxOptions : ICheckedOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// Byte cap on unacknowledged events. Above it, the oldest droppable events (health samples) are reduced to
    /// small "dropped" markers; ratings and tickets are never dropped, even above the cap (reported in health).
    /// </summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Rebuild (shrink) the file once it is empty and larger than this.</summary>
    public long CompactAboveBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>First delay before reopening the file after a write fault (disk full); doubles up to <see cref="ReopenMax"/>.</summary>
    public TimeSpan ReopenMin { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReopenMax { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (MaxBytes < 64 * 1024)
        {
            yield return $"{Section}:MaxBytes must be at least 65536 (got {MaxBytes})";
        }

        if (CompactAboveBytes < 0)
        {
            yield return $"{Section}:CompactAboveBytes must not be negative (got {CompactAboveBytes})";
        }

        if (ReopenMin <= TimeSpan.Zero || ReopenMax < ReopenMin)
        {
            yield return $"{Section}:ReopenMin must be positive and ReopenMax at least ReopenMin (got {ReopenMin}, {ReopenMax})";
        }
    }
}
