using System.Diagnostics.Metrics;

namespace Edge.Fleet.Metrics;

/// <summary>
/// One counter family of sends by <c>outcome</c> (<c>sent</c>, <c>failed</c>), both series at 0 from the start so a
/// scrape shows them before the first send: the fleet's e-mails (alerts, reports) are counted this way.
/// </summary>
public sealed class SendOutcomes
{
    private static readonly KeyValuePair<string, object?> SentTag = new("outcome", "sent");
    private static readonly KeyValuePair<string, object?> FailedTag = new("outcome", "failed");

    private readonly Counter<long> _sends;

    public SendOutcomes(Meter meter, string name, string description)
    {
        _sends = meter.CreateCounter<long>(name, description: description);
        _sends.Add(0, SentTag);
        _sends.Add(0, FailedTag);
    }

    public void Sent(long sends = 1) => _sends.Add(sends, SentTag);

    public void Failed(long sends = 1) => _sends.Add(sends, FailedTag);
}
