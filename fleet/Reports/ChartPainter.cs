using System.Globalization;

namespace Edge.Fleet.Reports;

/// <summary>Draws a <see cref="ChartModel"/> on any <see cref="IChartCanvas"/>: one drawing for the SVG and the PDF.</summary>
public static class ChartPainter
{
    private const string Ink = "#1f2933";
    private const string Grid = "#d9dee3";
    private const string Line = "#1565c0";
    private const string TargetColour = "#c62828";
    private const string Good = "#2e7d32";
    private const string Low = "#ef6c00";

    public static void Paint(ChartModel chart, IChartCanvas canvas)
    {
        canvas.Rect(0, 0, chart.Width, chart.Height, "#ffffff");
        canvas.Text(8, 18, chart.Title, 12, Ink, bold: true);
        switch (chart)
        {
            case LineChartModel line:
                PaintLine(line, canvas);
                break;
            case HeatmapChartModel heatmap:
                PaintHeatmap(heatmap, canvas);
                break;
            case BarChartModel bars:
                PaintBars(bars, canvas);
                break;
        }
    }

    private static void PaintLine(LineChartModel chart, IChartCanvas canvas)
    {
        double left = 48, top = 34, right = chart.Width - 16, bottom = chart.Height - 30;
        double Y(double share) => bottom - share * (bottom - top);
        for (var tick = 0; tick <= 100; tick += 25)
        {
            canvas.Line(left, Y(tick / 100.0), right, Y(tick / 100.0), Grid, 0.5);
            canvas.Text(left - 4, Y(tick / 100.0) + 3, tick.ToString(CultureInfo.InvariantCulture) + "%", 8, Ink, TextAnchor.End);
        }

        var n = chart.Labels.Count;
        double X(int i) => n <= 1 ? (left + right) / 2 : left + 8 + i * (right - left - 16) / (n - 1);
        var every = Math.Max(1, (int)Math.Ceiling(n / 16.0));
        for (var i = 0; i < n; i += every)
        {
            canvas.Text(X(i), bottom + 14, chart.Labels[i], 8, Ink, TextAnchor.Middle);
        }

        canvas.Line(left, Y(chart.Target), right, Y(chart.Target), TargetColour, 1, dashed: true);
        canvas.Text(right, Y(chart.Target) - 4, "Mục tiêu / target " + ReportCharts.Percent(chart.Target), 8, TargetColour, TextAnchor.End);

        // A day without ratings breaks the line: no figure is invented for it.
        var run = new List<(double, double)>();
        for (var i = 0; i <= n; i++)
        {
            if (i < n && chart.Values[i] is { } value)
            {
                run.Add((X(i), Y(value)));
                continue;
            }

            if (run.Count > 1)
            {
                canvas.Polyline(run, Line, 1.5);
            }

            run = [];
        }

        for (var i = 0; i < n; i++)
        {
            if (chart.Values[i] is { } value)
            {
                canvas.Dot(X(i), Y(value), 2.5, value >= chart.Target ? Good : Low);
            }
        }
    }

    private static void PaintHeatmap(HeatmapChartModel chart, IChartCanvas canvas)
    {
        double left = 48, top = 40, cellHeight = 16;
        var cellWidth = (chart.Width - left - 12) / Math.Max(1, chart.Columns.Count);
        var max = Math.Max(1, chart.Cells.SelectMany(r => r).DefaultIfEmpty(0).Max());
        for (var c = 0; c < chart.Columns.Count; c++)
        {
            canvas.Text(left + (c + 0.5) * cellWidth, top - 4, chart.Columns[c], 8, Ink, TextAnchor.Middle);
        }

        for (var r = 0; r < chart.Rows.Count; r++)
        {
            var y = top + r * cellHeight;
            canvas.Text(left - 4, y + cellHeight - 4, chart.Rows[r], 8, Ink, TextAnchor.End);
            for (var c = 0; c < chart.Columns.Count && c < chart.Cells[r].Count; c++)
            {
                var count = chart.Cells[r][c];
                canvas.Rect(left + c * cellWidth + 0.5, y + 0.5, cellWidth - 1, cellHeight - 1, Shade(count / (double)max));
                if (count > 0)
                {
                    canvas.Text(left + (c + 0.5) * cellWidth, y + cellHeight - 4, count.ToString(CultureInfo.InvariantCulture), 7,
                        count > max / 2 ? "#ffffff" : Ink, TextAnchor.Middle);
                }
            }
        }
    }

    private static void PaintBars(BarChartModel chart, IChartCanvas canvas)
    {
        double left = 220, top = 34, right = chart.Width - 60, barHeight = 22;
        for (var tick = 0; tick <= 100; tick += 25)
        {
            var x = left + tick / 100.0 * (right - left);
            canvas.Line(x, top, x, top + barHeight * Math.Max(1, chart.Labels.Count), Grid, 0.5);
            canvas.Text(x, top + barHeight * Math.Max(1, chart.Labels.Count) + 12, tick.ToString(CultureInfo.InvariantCulture) + "%", 8, Ink, TextAnchor.Middle);
        }

        for (var i = 0; i < chart.Labels.Count; i++)
        {
            var y = top + i * barHeight;
            canvas.Text(left - 6, y + barHeight - 8, chart.Labels[i], 9, Ink, TextAnchor.End);
            if (chart.Values[i] is { } share)
            {
                canvas.Rect(left, y + 4, Math.Max(0.5, share * (right - left)), barHeight - 8, share >= chart.Target ? Good : Low);
            }

            canvas.Text(right + 4, y + barHeight - 8, ReportCharts.Percent(chart.Values[i]), 9, Ink);
        }
    }

    /// <summary>White to deep blue.</summary>
    private static string Shade(double share)
    {
        var s = Math.Clamp(share, 0, 1);
        int r = (int)(255 - s * (255 - 21)), g = (int)(255 - s * (255 - 101)), b = (int)(255 - s * (255 - 192));
        return $"#{r:x2}{g:x2}{b:x2}";
    }
}
