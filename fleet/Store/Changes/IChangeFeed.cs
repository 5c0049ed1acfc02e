namespace Edge.Fleet.Store.Changes;

/// <summary>
/// Tells every node of the fleet that some shared data changed, so that caches of it are dropped or reloaded. A
/// topic names the kind of data (<see cref="ChangeTopics"/>). With LiteDB (one node) it calls the subscribers in
/// process; with PostgreSQL it is <c>NOTIFY</c>/<c>LISTEN</c>, and every subscriber is also called after the
/// listening connection was lost and came back (notifications may have been missed meanwhile). Subscribers must
/// therefore treat a call as "reload", never as a delta, and must be cheap and non-throwing.
/// </summary>
public interface IChangeFeed
{
    /// <summary>Calls <paramref name="changed"/> whenever <paramref name="topic"/> changes, on any node.</summary>
    void Subscribe(string topic, Action changed);

    /// <summary>Tells every node (this one included) that <paramref name="topic"/> changed. Call after the commit.</summary>
    Task PublishAsync(string topic, CancellationToken cancellationToken);
}

/// <summary>The topics of <see cref="IChangeFeed"/>, one per cached kind of data.</summary>
public static class ChangeTopics
{
    public const string Devices = "devices";
    public const string People = "people";
    public const string AlertRules = "alert-rules";
    public const string DeviceConfig = "device-config";
    public const string Releases = "releases";
    public const string Rollouts = "rollouts";
    public const string RatingKeys = "rating-keys";
    public const string Centres = "centres";
}
