namespace Edge.Fleet.Demo;

/// <summary>The last lines a child process wrote (both streams, in arrival order), for the warning when it exits.</summary>
public sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public string Text()
    {
        lock (_lines)
        {
            return _lines.Count == 0 ? "(nothing)" : string.Join('\n', _lines);
        }
    }
}
