namespace Edge.Benchmarks;

/// <summary>Collects figures and prints them as a Markdown table, ready for docs/benchmarks.md.</summary>
public sealed class FigureTable
{
    private readonly List<(string Name, string Value, string Note)> _rows = [];
    private readonly List<string> _notes = [];

    public void Add(string name, string value, string note = "")
    {
        _rows.Add((name, value, note));
        Console.WriteLine($"  {name}: {value} {note}");
    }

    public void Note(string text)
    {
        _notes.Add(text);
        Console.WriteLine(text);
    }

    public void Print()
    {
        Console.WriteLine();
        foreach (var note in _notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine();
        Console.WriteLine("| figure | value | note |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, value, note) in _rows)
        {
            Console.WriteLine($"| {name} | {value} | {note} |");
        }
    }

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The rows as a Markdown table.</summary>
    public string ToMarkdown()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| figure | value | note |");
        text.AppendLine("|---|---|---|");
        foreach (var (name, value, note) in _rows)
        {
            text.AppendLine($"| {name} | {value} | {note} |");
        }

        return text.ToString();
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
}
