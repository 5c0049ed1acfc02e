namespace Edge.Device.Uplink;

/// <summary>What the uplink is doing, for the status endpoint and the heartbeat.</summary>
public sealed class UplinkState
{
    private volatile bool _connected;
    private volatile string? _lastError;
    private long _connects;
    private long _batchesSent;
    private long _resends;

    public bool Connected => _connected;

    public string? LastError => _lastError;

    public long Connects => Interlocked.Read(ref _connects);

    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    public long Resends => Interlocked.Read(ref _resends);

    /// <summary>Identifies this connection in status messages, so the fleet can tell an old will from a new session.</summary>
    public string Session { get; private set; } = Guid.NewGuid().ToString("N");

    public void OnConnected()
    {
        _connected = true;
        _lastError = null;
        Interlocked.Increment(ref _connects);
    }

    public void OnDisconnected(string? error)
    {
        _connected = false;
        _lastError = error;
    }

    public string NewSession() => Session = Guid.NewGuid().ToString("N");

    public void OnBatchSent() => Interlocked.Increment(ref _batchesSent);

    public void OnResend() => Interlocked.Increment(ref _resends);
}
