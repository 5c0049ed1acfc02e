using System.Text.Json;

namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>
/// What the public board may say, as paths of its JSON (<c>[]</c> for an array's items): names of the centre or
/// province, dates and aggregate figures. <see cref="Violations"/> walks a board and names every path not listed, and
/// every string that is one of the forbidden words (device ids, counters, tickets, fields).
/// </summary>
public static class BoardAllowList
{
    private static readonly string[] Day = ["date", "ticketsServed", "averageWaitSeconds", "ratings", "satisfactionIndex"];

    public static readonly IReadOnlySet<string> Paths = new HashSet<string>(
        new[] { "kind", "id", "name", "province", "provinceName", "day", "generatedAt", "refreshSeconds", "today", "week", "week[]", "centres", "centres[]", "centres[].id", "centres[].name", "centres[].today" }
            .Concat(Day.Select(f => "today." + f))
            .Concat(Day.Select(f => "week[]." + f))
            .Concat(Day.Select(f => "centres[].today." + f)),
        StringComparer.Ordinal);

    public static List<string> Violations(JsonElement board, IEnumerable<string> forbiddenWords)
    {
        var forbidden = forbiddenWords.ToHashSet(StringComparer.Ordinal);
        var found = new List<string>();
        Walk(board, "", forbidden, found);
        return found;
    }

    /// <summary>Every path of <paramref name="board"/> (for the check that the list names nothing the board lacks).</summary>
    public static HashSet<string> PathsOf(JsonElement board)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        Collect(board, "", paths);
        return paths;
    }

    private static void Collect(JsonElement element, string path, HashSet<string> paths)
    {
        if (path.Length > 0)
        {
            paths.Add(path);
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Collect(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, paths);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, path + "[]", paths);
            }
        }
    }

    private static void Walk(JsonElement element, string path, HashSet<string> forbidden, List<string> found)
    {
        if (path.Length > 0 && !Paths.Contains(path))
        {
            found.Add(path);
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, forbidden, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]", forbidden, found);
                }

                break;
            case JsonValueKind.String when forbidden.Any(word => element.GetString()!.Contains(word, StringComparison.OrdinalIgnoreCase)):
                found.Add($"{path}={element.GetString()}");
                break;
        }
    }
}
