using System.Threading.Channels;

namespace Edge.Fleet.Store;

/// <summary>
/// How the fleet's batching writers (the events' group commit, presence, rating keys, rating times) take a turn: wait
/// for work, then take everything queued, in order, up to a bound, so that one store write serves the whole moment.
/// </summary>
public static class WriteTurns
{
    /// <summary>
    /// Waits for work, then fills <paramref name="turn"/> (cleared first) with what is queued, at most
    /// <paramref name="max"/> items; false once the channel is completed and empty.
    /// </summary>
    public static async ValueTask<bool> NextTurnAsync<T>(this ChannelReader<T> reader, List<T> turn, int max, CancellationToken cancellationToken = default)
    {
        turn.Clear();
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        while (turn.Count < max && reader.TryRead(out var item))
        {
            turn.Add(item);
        }

        return true;
    }
}
