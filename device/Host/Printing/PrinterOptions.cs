using Edge.Device.Configuration;
using Edge.Hosting;

namespace Edge.Device.Printing;

/// <summary>The ESC/POS ticket printer (section "Printer").</summary>
public sealed class PrinterOptions : ICheckedOptions
{
    public const string Section = "Printer";

    /// <summary>
    /// "none", "usb" (printer-class device file), "serial", "tcp" (raw port 9100) or "virtual" (in-memory, the
    /// default with --simulate when nothing else is set).
    /// </summary>
    public string Transport { get; set; } = "";

    /// <summary>USB printer-class device file.</summary>
    public string DevicePath { get; set; } = "/dev/usb/lp0";

    public string SerialPort { get; set; } = "/dev/ttyUSB0";

    public int BaudRate { get; set; } = 9600;

    public string Host { get; set; } = "";

    public int Port { get; set; } = 9100;

    /// <summary>How often to ask the printer's real-time status (DLE EOT).</summary>
    public int StatusPollSeconds { get; set; } = 5;

    /// <summary>Printed at the top of every ticket.</summary>
    public string CentreName { get; set; } = "Trung tâm Phục vụ hành chính công";

    /// <summary>"codepage" (Windows-1258, Epson table 52) or "ascii" (Vietnamese without diacritics, for clones).</summary>
    public string Text { get; set; } = "codepage";

    /// <summary>The printer's table number for Windows-1258 (Epson 52; clones differ).</summary>
    public byte CodePageTable { get; set; } = 52;

    public string EffectiveTransport(bool simulate) =>
        string.IsNullOrWhiteSpace(Transport) ? (simulate ? "virtual" : "none") : Transport;

    public IEnumerable<string> Validate()
    {
        if (Transport is not ("" or "none" or "usb" or "serial" or "tcp" or "virtual"))
        {
            yield return $"{Section}:Transport must be none, usb, serial, tcp or virtual (got '{Transport}')";
        }

        if (Transport == "tcp" && string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{Section}:Host must name the printer when {Section}:Transport is tcp";
        }

        if (!OptionChecks.IsPort(Port))
        {
            yield return OptionChecks.PortError($"{Section}:Port", Port);
        }

        if (StatusPollSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:StatusPollSeconds must be 1-3600 (got {StatusPollSeconds})";
        }

        if (Text is not ("codepage" or "ascii"))
        {
            yield return $"{Section}:Text must be codepage or ascii (got '{Text}')";
        }
    }
}
