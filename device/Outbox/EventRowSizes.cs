namespace Edge.Device.Outbox;

/// <summary>
/// The seq and JSON length of every event row in the outbox's LiteDB file, in seq order, kept by the writer thread
/// as rows are loaded, inserted, reduced to markers and freed. An ack then knows which rows it frees and their bytes
/// without reading them back (reading 100,000 freed rows once to count them was the device's largest drain cost).
/// </summary>
internal sealed class EventRowSizes
{
    private const int InitialCapacity = 256;

    private long[] _seqs = new long[InitialCapacity];
    private int[] _lengths = new int[InitialCapacity];
    private int _head;
    private int _end;

    public int Count => _end - _head;

    /// <summary>The oldest row's seq, or null when there is none.</summary>
    public long? OldestSeq => Count > 0 ? _seqs[_head] : null;

    /// <summary>Forgets every row (and the room a large backlog took).</summary>
    public void Clear()
    {
        _head = 0;
        _end = 0;
        if (_seqs.Length > InitialCapacity)
        {
            _seqs = new long[InitialCapacity];
            _lengths = new int[InitialCapacity];
        }
    }

    /// <summary>
    /// A row inserted or replaced: a seq above every other is appended (the usual case), a known one takes the new
    /// length, another one is inserted in its place.
    /// </summary>
    public void Set(long seq, int length)
    {
        var at = Count > 0 && seq <= _seqs[_end - 1] ? IndexOf(seq) : _end;
        if (at < _end && _seqs[at] == seq)
        {
            _lengths[at] = length;
            return;
        }

        if (_end == _seqs.Length)
        {
            at -= _head;
            MakeRoom();
            at += _head;
        }

        Array.Copy(_seqs, at, _seqs, at + 1, _end - at);
        Array.Copy(_lengths, at, _lengths, at + 1, _end - at);
        _seqs[at] = seq;
        _lengths[at] = length;
        _end++;
    }

    /// <summary>Forgets the rows with seq ≤ <paramref name="upTo"/>; returns their seqs (in order) and bytes.</summary>
    public (long[] Seqs, long Bytes) FreeUpTo(long upTo)
    {
        var stop = IndexOf(upTo + 1);
        var seqs = _seqs[_head..stop];
        long bytes = 0;
        for (var i = _head; i < stop; i++)
        {
            bytes += _lengths[i];
        }

        _head = stop;
        if (_head == _end)
        {
            Clear();
        }

        return (seqs, bytes);
    }

    /// <summary>Index of the first row with seq ≥ <paramref name="seq"/> (binary search; rows are in seq order).</summary>
    private int IndexOf(long seq)
    {
        int lo = _head, hi = _end;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_seqs[mid] < seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Slides the live rows to the front, and doubles the arrays when they are more than half full.</summary>
    private void MakeRoom()
    {
        var count = Count;
        if (count * 2 > _seqs.Length)
        {
            var seqs = new long[_seqs.Length * 2];
            var lengths = new int[_lengths.Length * 2];
            Array.Copy(_seqs, _head, seqs, 0, count);
            Array.Copy(_lengths, _head, lengths, 0, count);
            (_seqs, _lengths) = (seqs, lengths);
        }
        else
        {
            Array.Copy(_seqs, _head, _seqs, 0, count);
            Array.Copy(_lengths, _head, _lengths, 0, count);
        }

        _head = 0;
        _end = count;
    }
}
