using Edge.Hosting;

namespace Edge.Fleet.Ingest;

/// <summary>Settings of ingest (section <c>Ingest</c>).</summary>
public sealed class IngestOptions : ICheckedOptions
{
    public const string Section = "Ingest";

    /// <summary>
    /// How far above a device's acknowledged seq an event may be: a batch with a seq beyond is refused
    /// (<c>seq-out-of-window</c>). Ten million is years of a busy counter's events; a jump beyond is a broken or
    /// hostile device, and storing it would show a gap of billions.
    /// </summary>
    public long MaxSeqAhead { get; set; } = 10_000_000;

    public IEnumerable<string> Validate()
    {
        if (MaxSeqAhead < 1)
        {
            yield return $"{Section}:{nameof(MaxSeqAhead)} must be at least 1 (got {MaxSeqAhead})";
        }
    }
}
