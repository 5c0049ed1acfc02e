namespace Edge.Device.Cli;

/// <summary>
/// One thing a technician can ask the running host: the words that name it, the local endpoint it calls, and a line
/// of help. <see cref="Path"/> gets the words after the verb's own and returns null when they do not fit.
/// </summary>
public sealed record CliVerb(string[] Words, HttpMethod Method, Func<string[], string?> Path, string Usage, string Help)
{
    public bool Matches(string[] positional) =>
        positional.Length >= Words.Length && Words.Select((w, i) => positional[i] == w).All(same => same);
}
