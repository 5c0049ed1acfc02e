using System.Globalization;
using System.Text;

namespace Edge.Benchmarks;

/// <summary>
/// Edge beside a peer, one row per benchmark: both figures, and Edge's figure divided by the peer's. Whether a
/// higher ratio is better is said per row.
/// </summary>
public sealed class RatioTable
{
    private readonly List<Row> _rows = [];

    public IReadOnlyList<Row> Rows => _rows;

    /// <param name="edgeIsAtLeast">Edge's figure is a bound it did not finish within (a timeout): shown as "&gt; x".</param>
    public void Add(string benchmark, string edgeName, double? edge, string peerName, double? peer, string unit, string better, bool edgeIsAtLeast = false)
    {
        var row = new Row(benchmark, edgeName, edge, peerName, peer, unit, better, edgeIsAtLeast);
        _rows.Add(row);
        Console.WriteLine($"  {benchmark}: {edgeName} {row.EdgeFigure} {unit} vs {peerName} {Format(peer)} {unit} → {row.Ratio}");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| benchmark | Edge | figure | peer | figure | ratio Edge / peer | better |");
        text.AppendLine("|---|---|---:|---|---:|---:|---|");
        foreach (var r in _rows)
        {
            text.AppendLine($"| {r.Benchmark} | {r.EdgeName} | {r.EdgeFigure} {r.Unit} | {r.PeerName} | {Format(r.Peer)} {r.Unit} | **{r.Ratio}** | {r.Better} |");
        }

        return text.ToString();
    }

    public static string Format(double? value) => value switch
    {
        null => "n/a",
        double v when double.IsNaN(v) => "n/a",
        double v when Math.Abs(v) >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        double v when Math.Abs(v) >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        double v => v.ToString("F2", CultureInfo.InvariantCulture),
    };

    public sealed record Row(string Benchmark, string EdgeName, double? Edge, string PeerName, double? Peer, string Unit, string Better, bool EdgeIsAtLeast)
    {
        public string EdgeFigure => (EdgeIsAtLeast ? "> " : "") + Format(Edge);

        public string Ratio => Edge is { } e && Peer is { } p && p != 0 && !double.IsNaN(e) && !double.IsNaN(p)
            ? (EdgeIsAtLeast ? "> " : "") + (e / p).ToString(e / p >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + "×"
            : "n/a";
    }
}
