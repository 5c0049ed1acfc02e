namespace Edge.Device.Outbox;

/// <summary>
/// The outbox could not store events. <see cref="Stored"/> is the truth about them: false, not on disk (retry them);
/// true never reaches a caller (the append then succeeds); null, unknown: the commit returned but the flush to disk
/// failed and the file could not be reopened to look. An <see cref="IOException"/>, so callers that retry I/O retry it.
/// </summary>
public sealed class OutboxWriteException(string message, bool? stored, Exception? inner = null) : IOException(message, inner)
{
    public bool? Stored { get; } = stored;
}
