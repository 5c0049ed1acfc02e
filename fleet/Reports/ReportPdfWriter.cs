using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Edge.Fleet.Reports;

/// <summary>
/// The report as an A4 PDF (PDFsharp): title, headline figures, the tables of <see cref="ReportTables"/>, then the
/// three charts drawn by <see cref="ChartPainter"/> on the page (vectors, the same drawing as the dashboard's SVG).
/// Text is DejaVu Sans embedded as Unicode (<see cref="DejaVuFontResolver"/> must be installed first).
/// </summary>
public sealed class ReportPdfWriter
{
    private const double Margin = 40;
    private const double PageWidth = 595;
    private const double PageHeight = 842;
    private const double Width = PageWidth - 2 * Margin;

    private readonly PdfDocument _document = new();
    private XGraphics? _graphics;
    private double _y;

    public static byte[] Write(CentreReport report)
    {
        var writer = new ReportPdfWriter();
        writer._document.Info.Title = ReportTables.Title(report);
        writer._document.Info.Author = "Edge fleet";
        writer.NewPage();
        writer.Text(ReportTables.Title(report), 16, bold: true);
        writer.Text(ReportTables.Days(report) + " · " + string.Create(CultureInfo.InvariantCulture,
            $"lập lúc / generated {TimeZoneInfo.ConvertTime(report.GeneratedAt, TimeZoneInfo.Utc):yyyy-MM-dd HH:mm} UTC"), 9);
        writer.Gap(8);
        foreach (var (label, value) in ReportTables.Headlines(report))
        {
            writer.Text($"{label}: {value}", 10);
        }

        foreach (var table in ReportTables.All(report))
        {
            writer.Gap(10);
            writer.Table(table);
        }

        foreach (var name in ReportCharts.Names)
        {
            writer.Chart(ReportCharts.Of(report, name)!);
        }

        writer._graphics?.Dispose();
        using var stream = new MemoryStream();
        writer._document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private XGraphics Graphics => _graphics ?? throw new InvalidOperationException("no page");

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = _document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        _graphics = XGraphics.FromPdfPage(page);
        _y = Margin;
    }

    private void Room(double height)
    {
        if (_y + height > PageHeight - Margin)
        {
            NewPage();
        }
    }

    private void Gap(double points) => _y += points;

    private void Text(string text, double size, bool bold = false)
    {
        Room(size * 1.5);
        _y += size * 1.3;
        Graphics.DrawString(text, PdfCanvas.Font(size, bold), XBrushes.Black, new XPoint(Margin, _y), XStringFormats.BaseLineLeft);
        _y += size * 0.3;
    }

    private void Table(ReportTables.Table table)
    {
        const double size = 7.5;
        const double rowHeight = 12;
        Room(3 * rowHeight + 12);
        Text(table.Title, 10, bold: true);
        var columns = table.Headings.Count;
        var first = Math.Min(170, Width * 0.34);
        var rest = columns > 1 ? (Width - first) / (columns - 1) : 0;
        double Left(int c) => c == 0 ? Margin : Margin + first + (c - 1) * rest;
        void Draw(int c, string text, XFont font, double baseline)
        {
            text = Fit(text, font, (c == 0 ? first : rest) - 4);
            var (x, format) = c == 0 ? (Left(c), XStringFormats.BaseLineLeft) : (Left(c) + rest - 2, XStringFormats.BaseLineRight);
            Graphics.DrawString(text, font, XBrushes.Black, new XPoint(x, baseline), format);
        }

        void Row(IReadOnlyList<string> cells, bool heading)
        {
            // A heading "Việt / English" takes two lines: Vietnamese above, English below.
            var height = heading ? 2 * rowHeight : rowHeight;
            Room(height);
            _y += height;
            var font = PdfCanvas.Font(size, heading);
            for (var c = 0; c < columns && c < cells.Count; c++)
            {
                var parts = cells[c].Split(" / ", 2);
                if (heading && parts.Length == 2)
                {
                    Draw(c, parts[0], font, _y - 3 - rowHeight);
                    Draw(c, parts[1], PdfCanvas.Font(size, false), _y - 3);
                }
                else
                {
                    Draw(c, cells[c], font, _y - 3);
                }
            }

            Graphics.DrawLine(new XPen(XColors.LightGray, 0.5), Margin, _y, Margin + Width, _y);
        }

        Row(table.Headings, heading: true);
        if (table.Rows.Count == 0)
        {
            Row(["—"], heading: false);
        }

        foreach (var row in table.Rows)
        {
            Row(row, heading: false);
        }
    }

    private void Chart(ChartModel chart)
    {
        var height = chart.Height * Width / chart.Width;
        Room(height + 12);
        _y += 12;
        _y += PdfCanvas.Draw(Graphics, chart, Margin, _y, Width);
    }

    private string Fit(string text, XFont font, double width)
    {
        if (Graphics.MeasureString(text, font).Width <= width)
        {
            return text;
        }

        var cut = text;
        while (cut.Length > 1 && Graphics.MeasureString(cut + "…", font).Width > width)
        {
            cut = cut[..^1];
        }

        return cut + "…";
    }
}
