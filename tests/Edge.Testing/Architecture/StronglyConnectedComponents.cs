namespace Edge.Testing.Architecture;

/// <summary>Tarjan's algorithm over a small directed graph of names (folders): each component is a set of mutually reachable nodes.</summary>
internal sealed class StronglyConnectedComponents(IReadOnlyDictionary<string, HashSet<string>> edges)
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> lowest = new(StringComparer.Ordinal);
    private readonly Stack<string> stack = new();
    private readonly HashSet<string> onStack = new(StringComparer.Ordinal);
    private readonly List<List<string>> components = [];
    private int next;

    public List<List<string>> Find()
    {
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }

    // Recursive: the graphs are folders of one host (tens of nodes), far from any stack limit.
    private void Visit(string node)
    {
        index[node] = lowest[node] = next++;
        stack.Push(node);
        onStack.Add(node);
        foreach (var to in edges.TryGetValue(node, out var targets) ? targets : [])
        {
            if (!index.TryGetValue(to, out var toIndex))
            {
                Visit(to);
                lowest[node] = Math.Min(lowest[node], lowest[to]);
            }
            else if (onStack.Contains(to))
            {
                lowest[node] = Math.Min(lowest[node], toIndex);
            }
        }

        if (lowest[node] != index[node])
        {
            return;
        }

        var component = new List<string>();
        string popped;
        do
        {
            popped = stack.Pop();
            onStack.Remove(popped);
            component.Add(popped);
        }
        while (popped != node);
        components.Add(component);
    }
}
