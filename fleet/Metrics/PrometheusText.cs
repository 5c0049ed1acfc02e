using System.Globalization;
using System.Text;

namespace Edge.Fleet.Metrics;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family, then samples.</summary>
public sealed class PrometheusText
{
    private readonly StringBuilder _text = new();

    public PrometheusText Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")).Append('}');
        }

        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    public PrometheusText Histogram(string name, LatencyHistogram histogram, params (string Name, string Value)[] labels)
    {
        var (cumulative, sum) = histogram.Read();
        for (var i = 0; i < LatencyHistogram.Buckets.Length; i++)
        {
            Sample(name + "_bucket", cumulative[i], [.. labels, ("le", Format(LatencyHistogram.Buckets[i]))]);
        }

        Sample(name + "_bucket", cumulative[^1], [.. labels, ("le", "+Inf")]);
        Sample(name + "_sum", sum, labels);
        Sample(name + "_count", cumulative[^1], labels);
        return this;
    }

    public override string ToString() => _text.ToString();

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
