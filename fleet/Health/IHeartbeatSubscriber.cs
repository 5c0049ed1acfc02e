namespace Edge.Fleet.Health;

/// <summary>
/// A feature that wants every readable heartbeat as it arrives (fleet/Clock: <c>RatingTimePlacer</c> anchors runs on
/// them). <see cref="HeartbeatIntake"/> offers each one on the broker's publish path: an implementation never waits.
/// </summary>
public interface IHeartbeatSubscriber
{
    void Offer(HealthSample sample);
}
