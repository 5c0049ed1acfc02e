using Edge.Hosting;

namespace Edge.Fleet.Reports;

/// <summary>Reports (section <c>Reports</c>).</summary>
public sealed class ReportOptions : ICheckedOptions
{
    public const string Section = "Reports";

    /// <summary>Satisfaction target (share of the top two levels, 0..1) drawn on the charts; the provinces' 90%.</summary>
    public double SatisfactionTarget { get; set; } = 0.9;

    /// <summary>E-mail the weekly report on Mondays and the monthly one on the 1st to the centre's managers.</summary>
    public bool Mail { get; set; } = true;

    /// <summary>Local time (centre time zone, <c>HH:mm</c>) at which the reports are e-mailed.</summary>
    public string MailAt { get; set; } = "07:00";

    /// <summary>Folder holding DejaVuSans.ttf (Debian: fonts-dejavu-core).</summary>
    public string FontDirectory { get; set; } = DejaVuFontResolver.DefaultDirectory;

    /// <summary>How often the schedule is checked, in seconds.</summary>
    public double CheckEverySeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        if (SatisfactionTarget is < 0 or > 1 || double.IsNaN(SatisfactionTarget))
        {
            failures.Add($"{ReportOptions.Section}:{nameof(ReportOptions.SatisfactionTarget)} must be 0-1 (got {SatisfactionTarget})");
        }

        if (!TimeOnly.TryParseExact(MailAt, "HH:mm", out _))
        {
            failures.Add($"{ReportOptions.Section}:{nameof(ReportOptions.MailAt)} must be HH:mm (got '{MailAt}')");
        }

        if (CheckEverySeconds is < 0.1 or > 3600 || double.IsNaN(CheckEverySeconds))
        {
            failures.Add($"{ReportOptions.Section}:{nameof(ReportOptions.CheckEverySeconds)} must be 0.1-3600 (got {CheckEverySeconds})");
        }

        return failures;
    }
}
