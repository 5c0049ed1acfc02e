using System.Globalization;
using ClosedXML.Excel;

namespace Edge.Fleet.Reports;

/// <summary>
/// The report as an XLSX workbook (ClosedXML): a sheet of headline figures, then one sheet per table of
/// <see cref="ReportTables"/> (the PDF's rows). Numbers are stored as numbers (shares as percentages) so a manager can
/// sum and chart them; "—" (nothing to count) stays text.
/// </summary>
public static class ReportXlsxWriter
{
    public const string SummarySheet = "Tong quan - Summary";

    public static byte[] Write(CentreReport report)
    {
        using var workbook = new XLWorkbook();
        var summary = workbook.Worksheets.Add(SummarySheet);
        summary.Cell(1, 1).Value = ReportTables.Title(report);
        summary.Cell(1, 1).Style.Font.Bold = true;
        summary.Cell(2, 1).Value = ReportTables.Days(report);
        var row = 4;
        foreach (var (label, value) in ReportTables.Headlines(report))
        {
            summary.Cell(row, 1).Value = label;
            Put(summary.Cell(row, 2), value);
            row++;
        }

        summary.Column(1).Width = 52;
        summary.Column(2).Width = 14;
        var tables = ReportTables.All(report);
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            var sheet = workbook.Worksheets.Add(SheetName(t + 1, table.Title));
            sheet.Cell(1, 1).Value = table.Title;
            sheet.Cell(1, 1).Style.Font.Bold = true;
            for (var c = 0; c < table.Headings.Count; c++)
            {
                sheet.Cell(3, c + 1).Value = table.Headings[c];
                sheet.Cell(3, c + 1).Style.Font.Bold = true;
                sheet.Column(c + 1).Width = c == 0 ? 34 : 16;
            }

            for (var r = 0; r < table.Rows.Count; r++)
            {
                for (var c = 0; c < table.Rows[r].Count; c++)
                {
                    Put(sheet.Cell(4 + r, c + 1), table.Rows[r][c], asText: c == 0);
                }
            }
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>The English half of a title, numbered, within Excel's 31 characters and without its forbidden ones.</summary>
    public static string SheetName(int number, string title)
    {
        var english = title.Split(" / ", 2) is [_, var en] ? en : title;
        var clean = new string(english.Where(ch => ch is not ('/' or '\\' or '?' or '*' or '[' or ']' or ':')).ToArray());
        var name = $"{number} {clean}";
        return name.Length <= 31 ? name : name[..31];
    }

    private static void Put(IXLCell cell, string text, bool asText = false)
    {
        if (!asText && text.EndsWith('%')
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
        {
            cell.Value = percent / 100;
            cell.Style.NumberFormat.Format = "0.0%";
        }
        else if (!asText && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            cell.Value = number;
        }
        else
        {
            cell.SetValue(text);
        }
    }
}
