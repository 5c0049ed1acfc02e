namespace Edge.Fleet.Reports;

/// <summary>Where a text is anchored at its point: its start, middle or end (on the baseline).</summary>
public enum TextAnchor
{
    Start,
    Middle,
    End,
}

/// <summary>
/// The few drawing operations a chart needs, in points from the chart's top-left corner; colours as <c>#rrggbb</c>.
/// Implemented by <see cref="SvgCanvas"/> and <see cref="PdfCanvas"/>.
/// </summary>
public interface IChartCanvas
{
    void Rect(double x, double y, double width, double height, string fill);

    void Line(double x1, double y1, double x2, double y2, string stroke, double width, bool dashed = false);

    void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width);

    void Dot(double x, double y, double radius, string fill);

    /// <summary>Text with its baseline at <paramref name="y"/>.</summary>
    void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false);
}
