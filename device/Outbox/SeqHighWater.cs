using System.Globalization;
using System.Text;
using Edge.Storage;

namespace Edge.Device.Outbox;

/// <summary>
/// A tiny file beside the outbox (<c>outbox.seq</c>) that survives the outbox file: a seq at or above every seq this
/// device ever assigned. Written atomically before numbering passes it, in blocks of <see cref="Block"/> so that it
/// costs one extra fsync per block, not per event; set exactly when the outbox drains empty, so that a file lost
/// while idle leaves no uncertain seqs behind. When the outbox file is lost, seqs above the fleet's ack and up to this
/// mark may have been used by events that are gone: they are filled with "lost" markers rather than reused.
/// </summary>
public sealed class SeqHighWater(string path, ILogger logger)
{
    public const long Block = 16;

    private long _reserved = -1;

    public string FilePath => path;

    /// <summary>The mark on disk, or null when there is none (first boot, or the data folder was lost); garbage is null too.</summary>
    public long? Read()
    {
        try
        {
            var bytes = AtomicFile.ReadOrNull(path);
            if (bytes is null)
            {
                return null;
            }

            if (long.TryParse(Encoding.ASCII.GetString(bytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                _reserved = value;
                return value;
            }

            logger.LogWarning("Ignored an unreadable seq high-water file {Path}", path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not read the seq high-water file {Path}: {Error}", path, ex.Message);
            return null;
        }
    }

    /// <summary>Makes sure the mark covers <paramref name="highestAssigned"/> before seqs up to it are committed.</summary>
    public void Cover(long highestAssigned)
    {
        if (highestAssigned > Volatile.Read(ref _reserved))
        {
            Write(highestAssigned + Block);
        }
    }

    /// <summary>Sets the mark to exactly <paramref name="highestAssigned"/> (the outbox is empty: nothing uncertain).</summary>
    public void SetExact(long highestAssigned)
    {
        if (highestAssigned != Volatile.Read(ref _reserved))
        {
            Write(highestAssigned);
        }
    }

    private void Write(long value)
    {
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
        Volatile.Write(ref _reserved, value);
    }
}
