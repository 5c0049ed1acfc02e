using System.Text;

namespace Edge.Fleet.Centres;

/// <summary>
/// Reads the CSV of <c>POST /api/v1/centres/import</c>: UTF-8, a header row naming the columns (any order, case
/// ignored) <c>id,name,province,address,opening_hours,time_zone,public_board</c>, of which <c>id</c>, <c>name</c> and
/// <c>province</c> are required; fields may be quoted (<c>"a, b"</c>, <c>""</c> for a quote); comma or semicolon
/// separated (the header says which). Every row is checked by <see cref="CentreRules"/>; each problem names its line.
/// </summary>
public static class CentreCsv
{
    private static readonly string[] Known = ["id", "name", "province", "address", "opening_hours", "time_zone", "public_board"];

    /// <summary>The rows as requests, and the problems (line number and sentence); a row with problems is not in the requests.</summary>
    public static (IReadOnlyList<CentreRequest> Rows, IReadOnlyList<CentreImportProblem> Problems) Read(string text)
    {
        var rows = new List<CentreRequest>();
        var problems = new List<CentreImportProblem>();
        var lines = Records(text.TrimStart('\uFEFF')).ToList();
        if (lines.Count == 0)
        {
            problems.Add(new CentreImportProblem(1, "the file is empty; the first line must name the columns"));
            return (rows, problems);
        }

        var header = lines[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        foreach (var unknown in header.Where(h => !Known.Contains(h)))
        {
            problems.Add(new CentreImportProblem(lines[0].Line, $"unknown column '{unknown}'; columns are {string.Join(",", Known)}"));
        }

        foreach (var missing in new[] { "id", "name", "province" }.Where(c => !header.Contains(c)))
        {
            problems.Add(new CentreImportProblem(lines[0].Line, $"the column '{missing}' is missing"));
        }

        if (problems.Count > 0)
        {
            return (rows, problems);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, fields) in lines.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                problems.Add(new CentreImportProblem(line, $"has {fields.Count} fields, the header {header.Count}"));
                continue;
            }

            string? Field(string name) => header.IndexOf(name) is >= 0 and var i ? fields[i].Trim() : null;
            var board = Field("public_board");
            bool? publicBoard = string.IsNullOrEmpty(board) ? null : board.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" or "on" => true,
                "false" or "no" or "0" or "off" => false,
                _ => null,
            };
            var rowProblems = new List<string>();
            if (!string.IsNullOrEmpty(board) && publicBoard is null)
            {
                rowProblems.Add($"public_board must be true or false (got '{board}')");
            }

            var request = new CentreRequest(Field("id"), Field("name"), Field("province"), Field("address"), Field("opening_hours"), Field("time_zone"), publicBoard);
            rowProblems.AddRange(CentreRules.Problems(request));
            if (request.Id is { } id && seen.TryGetValue(id, out var first))
            {
                rowProblems.Add($"id '{id}' is already on line {first}");
            }

            if (rowProblems.Count > 0)
            {
                problems.AddRange(rowProblems.Select(p => new CentreImportProblem(line, p)));
                continue;
            }

            seen[request.Id!] = line;
            rows.Add(request);
        }

        return (rows, problems);
    }

    /// <summary>The records of the text with the line each starts on; a quoted field may span lines.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> Records(string text)
    {
        var firstLineEnd = text.IndexOf('\n') is >= 0 and var end ? end : text.Length;
        var separator = text[..firstLineEnd].Count(c => c == ';') > text[..firstLineEnd].Count(c => c == ',') ? ';' : ',';
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                yield return (start, fields);
                fields = [];
                field.Clear();
                line++;
                start = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            yield return (start, fields);
        }
    }
}

/// <summary>A problem of an imported CSV: the line (1 is the header) and what is wrong.</summary>
public sealed record CentreImportProblem(int Line, string Problem);
