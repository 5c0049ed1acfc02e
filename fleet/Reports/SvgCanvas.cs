using System.Globalization;
using System.Security;
using System.Text;

namespace Edge.Fleet.Reports;

/// <summary>An <see cref="IChartCanvas"/> that writes an SVG document (served to the dashboard as <c>image/svg+xml</c>).</summary>
public sealed class SvgCanvas : IChartCanvas
{
    private readonly StringBuilder _body = new();

    public void Rect(double x, double y, double width, double height, string fill) =>
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{height:0.##}\" fill=\"{fill}\"/>");

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width, bool dashed = false) =>
        _body.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{x1:0.##}\" y1=\"{y1:0.##}\" x2=\"{x2:0.##}\" y2=\"{y2:0.##}\" stroke=\"{stroke}\" stroke-width=\"{width:0.##}\"{(dashed ? " stroke-dasharray=\"6 4\"" : "")}/>");

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width) =>
        _body.Append(CultureInfo.InvariantCulture,
            $"<polyline fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width:0.##}\" points=\"{string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.##},{p.Y:0.##}")))}\"/>");

    public void Dot(double x, double y, double radius, string fill) =>
        _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.##}\" cy=\"{y:0.##}\" r=\"{radius:0.##}\" fill=\"{fill}\"/>");

    public void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false) =>
        _body.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.##}\" y=\"{y:0.##}\" font-size=\"{size:0.##}\" fill=\"{fill}\" text-anchor=\"{Anchor(anchor)}\"{(bold ? " font-weight=\"bold\"" : "")}>{SecurityElement.Escape(text)}</text>");

    /// <summary>The chart as an SVG document with its title for screen readers.</summary>
    public static string Draw(ChartModel chart)
    {
        var canvas = new SvgCanvas();
        ChartPainter.Paint(chart, canvas);
        return string.Create(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {chart.Width:0.##} {chart.Height:0.##}\" width=\"{chart.Width:0.##}\" height=\"{chart.Height:0.##}\" role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\"><title>{SecurityElement.Escape(chart.Title)}</title>{canvas._body}</svg>");
    }

    private static string Anchor(TextAnchor anchor) => anchor switch
    {
        TextAnchor.Middle => "middle",
        TextAnchor.End => "end",
        _ => "start",
    };
}
