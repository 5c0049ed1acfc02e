using System.Globalization;
using System.Text;

namespace Edge.Fleet.Queue;

/// <summary>
/// Queue statistics as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read Vietnamese names):
/// one row per scope (centre, field, counter, day) and key, the columns of <see cref="QueueGroupStats"/>. For a province
/// the first row is the province (its code in the first column) and each of its centres has a "centre" row.
/// </summary>
public static class QueueStatsCsv
{
    public const string Header =
        "centre,from,to,scope,key,issued,priority,called,served,skipped,waiting,transferred,returned,wait_avg_s,wait_max_s,service_avg_s,ratings,satisfaction_index";

    public static string Write(QueueStatsView stats)
    {
        var csv = new StringBuilder().Append('\uFEFF').Append(Header).Append("\r\n");
        Row(csv, stats, "centre", stats.All with { Key = stats.Centre });
        foreach (var (scope, groups) in new[] { ("centre", stats.ByCentre), ("field", stats.ByField), ("counter", stats.ByCounter), ("day", stats.ByDay) })
        {
            foreach (var group in groups)
            {
                Row(csv, stats, scope, group);
            }
        }

        return csv.ToString();
    }

    private static void Row(StringBuilder csv, QueueStatsView stats, string scope, QueueGroupStats g)
    {
        string[] cells =
        [
            stats.Centre, stats.From ?? stats.Day, stats.To ?? stats.Day, scope, g.Key,
            Number(g.Issued), Number(g.Priority), Number(g.Called), Number(g.Served), Number(g.Skipped), Number(g.Waiting),
            Number(g.Transferred), Number(g.Returned), Number(g.WaitAvgS), Number(g.WaitMaxS), Number(g.ServiceAvgS), Number(g.Ratings),
            Number(g.SatisfactionIndex),
        ];
        csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
    }

    private static string Number(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Quotes a cell with a comma, quote or line break; a leading =, +, - or @ is prefixed with ' against formula injection.</summary>
    private static string Quote(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
