namespace Edge.Device.Clock;

/// <summary>Whether the wall clock is known to be synchronised.</summary>
public interface IClockSync
{
    bool Synced { get; }
}
