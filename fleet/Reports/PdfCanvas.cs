using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Edge.Fleet.Reports;

/// <summary>
/// An <see cref="IChartCanvas"/> on a PDF page (PDFsharp's <see cref="XGraphics"/>): the chart's points are placed at
/// (<paramref name="left"/>, <paramref name="top"/>) and scaled by <paramref name="scale"/> to fit the page.
/// </summary>
public sealed class PdfCanvas(XGraphics graphics, double left, double top, double scale) : IChartCanvas
{
    // The whole font file: PDFsharp's subsets lost the Vietnamese letters with two marks (ầ, ấ, ế, ố: composite
    // glyphs of DejaVu Sans), which pdftotext still read but no viewer drew. Costs ~0.7 MB per PDF (one face, bold simulated).
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode, PdfFontEmbedding.EmbedCompleteFontFile);

    public void Rect(double x, double y, double width, double height, string fill) =>
        graphics.DrawRectangle(new XSolidBrush(Colour(fill)), X(x), Y(y), width * scale, height * scale);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width, bool dashed = false) =>
        graphics.DrawLine(Pen(stroke, width, dashed), X(x1), Y(y1), X(x2), Y(y2));

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width) =>
        graphics.DrawLines(Pen(stroke, width, false), points.Select(p => new XPoint(X(p.X), Y(p.Y))).ToArray());

    public void Dot(double x, double y, double radius, string fill) =>
        graphics.DrawEllipse(new XSolidBrush(Colour(fill)), X(x) - radius * scale, Y(y) - radius * scale, 2 * radius * scale, 2 * radius * scale);

    public void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false) =>
        graphics.DrawString(text, Font(size * scale, bold), new XSolidBrush(Colour(fill)), new XPoint(X(x), Y(y)), anchor switch
        {
            TextAnchor.Middle => XStringFormats.BaseLineCenter,
            TextAnchor.End => XStringFormats.BaseLineRight,
            _ => XStringFormats.BaseLineLeft,
        });

    /// <summary>DejaVu Sans (installed by <see cref="DejaVuFontResolver"/>), embedded as Unicode for Vietnamese.</summary>
    public static XFont Font(double size, bool bold) =>
        new(DejaVuFontResolver.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Unicode);

    /// <summary>Draws <paramref name="chart"/> at (left, top) scaled to <paramref name="width"/>; returns its height on the page.</summary>
    public static double Draw(XGraphics graphics, ChartModel chart, double left, double top, double width)
    {
        var scale = width / chart.Width;
        ChartPainter.Paint(chart, new PdfCanvas(graphics, left, top, scale));
        return chart.Height * scale;
    }

    private double X(double x) => left + x * scale;

    private double Y(double y) => top + y * scale;

    private XPen Pen(string colour, double width, bool dashed) =>
        new(Colour(colour), width * scale) { DashStyle = dashed ? XDashStyle.Dash : XDashStyle.Solid };

    private static XColor Colour(string hex) => XColor.FromArgb(
        int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
