using Edge.Device.Drivers.EscPos;

namespace Edge.Device.Printing;

/// <summary>The printer states on the wire (HealthReport.Peripherals["printer"], peripheral events).</summary>
public static class PrinterStateNames
{
    public const string Ok = "ok";
    public const string PaperNearEnd = "paper-near-end";
    public const string PaperOut = "paper-out";
    public const string CoverOpen = "cover-open";
    public const string Offline = "offline";
    public const string Error = "error";
    public const string Unknown = "unknown";

    /// <summary>The most urgent thing a status says, as one word for people and alert rules.</summary>
    public static string Of(PrinterStatus status) => status switch
    {
        { Answered: false } => Unknown,
        { PaperEnd: true } => PaperOut,
        { CoverOpen: true } => CoverOpen,
        { Error: true } => Error,
        { Offline: true } => Offline,
        { PaperNearEnd: true } => PaperNearEnd,
        _ => Ok,
    };
}
