namespace Edge.Device.Drivers.Simulation;

/// <summary>The bus transactions a recording fake bus has seen, thread-safe, with an event per transaction.</summary>
internal sealed class TransactionLog
{
    private readonly object _gate = new();
    private readonly List<byte[]> _transactions = new();

    public IReadOnlyList<byte[]> All
    {
        get
        {
            lock (_gate)
            {
                return _transactions.ToArray();
            }
        }
    }

    /// <summary>Keeps a copy of <paramref name="bytes"/> and returns it (for the caller's event).</summary>
    public byte[] Add(ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        lock (_gate)
        {
            _transactions.Add(copy);
        }

        return copy;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _transactions.Clear();
        }
    }
}
