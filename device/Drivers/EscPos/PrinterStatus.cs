namespace Edge.Device.Drivers.EscPos;

/// <summary>
/// A printer's state from real-time status (<c>DLE EOT n</c>). <see cref="Answered"/> is false when the printer
/// did not answer in time (USB printer class devices and some clones never do): then nothing else is known.
/// </summary>
public sealed record PrinterStatus
{
    /// <summary>No answer: the state is unknown.</summary>
    public static PrinterStatus Unknown { get; } = new();

    /// <summary>The printer answered the printer-status query (n = 1).</summary>
    public bool Answered { get; init; }

    /// <summary>n = 1 bit 3.</summary>
    public bool Offline { get; init; }

    /// <summary>n = 2 bit 2.</summary>
    public bool CoverOpen { get; init; }

    /// <summary>n = 4 bits 2 and 3: the roll is nearly used up.</summary>
    public bool PaperNearEnd { get; init; }

    /// <summary>n = 4 bits 5 and 6, or n = 2 bit 5 (printing stopped by paper end).</summary>
    public bool PaperEnd { get; init; }

    /// <summary>n = 2 bit 6, or n = 3 bits 3 (autocutter), 5 (unrecoverable), 6 (auto-recoverable).</summary>
    public bool Error { get; init; }

    /// <summary>Answered and able to print (paper near end still prints).</summary>
    public bool IsReady => Answered && !Offline && !CoverOpen && !PaperEnd && !Error;

    /// <summary>
    /// Parses the answers to <c>DLE EOT 1..4</c>; null where a query got no valid answer. A valid answer has the
    /// fixed bits of the Epson reference: bits 1 and 4 set, bits 0 and 7 clear.
    /// </summary>
    public static PrinterStatus FromResponses(byte? printer, byte? offlineCause, byte? errorCause, byte? paperSensor)
    {
        if (printer is not { } p || !IsValid(p))
        {
            return Unknown;
        }

        byte offline = offlineCause is { } o && IsValid(o) ? o : (byte)0;
        byte error = errorCause is { } e && IsValid(e) ? e : (byte)0;
        byte paper = paperSensor is { } s && IsValid(s) ? s : (byte)0;
        return new PrinterStatus
        {
            Answered = true,
            Offline = (p & 0x08) != 0,
            CoverOpen = (offline & 0x04) != 0,
            PaperNearEnd = (paper & 0x0C) != 0,
            PaperEnd = (paper & 0x60) != 0 || (offline & 0x20) != 0,
            Error = (offline & 0x40) != 0 || (error & 0x68) != 0,
        };
    }

    /// <summary>Whether <paramref name="response"/> has the fixed bits of a real-time status byte.</summary>
    public static bool IsValid(byte response) => (response & 0x93) == 0x12;

    /// <inheritdoc/>
    public override string ToString() => !Answered ? "unknown (no answer)"
        : IsReady && !PaperNearEnd ? "ready"
        : string.Join(", ", new[]
        {
            Offline ? "offline" : null,
            CoverOpen ? "cover open" : null,
            PaperEnd ? "paper end" : null,
            PaperNearEnd ? "paper near end" : null,
            Error ? "error" : null,
        }.Where(s => s is not null));
}

/// <summary>Arguments of <see cref="EscPosPrinter.StatusChanged"/>.</summary>
public sealed class PrinterStatusChangedEventArgs(PrinterStatus previous, PrinterStatus current) : EventArgs
{
    /// <summary>The status before.</summary>
    public PrinterStatus Previous { get; } = previous;

    /// <summary>The status now.</summary>
    public PrinterStatus Current { get; } = current;
}

/// <summary>A print job or status query failed on the transport (disconnected, device gone, write error).</summary>
public class PrinterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The printer answered that it cannot print now (paper end, cover open, offline, error): nothing was sent.</summary>
public sealed class PrinterNotReadyException(PrinterStatus status)
    : PrinterException($"The printer cannot print: {status}.")
{
    /// <summary>The status that stopped the job.</summary>
    public PrinterStatus Status { get; } = status;
}
