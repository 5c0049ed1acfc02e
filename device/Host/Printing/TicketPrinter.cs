using System.Runtime.CompilerServices;
using Edge.Device.Drivers.EscPos;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Configuration;
using Edge.Device.Peripherals;
using Microsoft.Extensions.Options;

namespace Edge.Device.Printing;

/// <summary>
/// The device's ticket printer: opens the configured transport, polls its real-time status and reports every change
/// (paper near end / out, cover open, offline) as a peripheral event. A failed print is reported, never dropped silently.
/// A missing or unreachable printer is logged and the device keeps running everything else.
/// </summary>
public sealed class TicketPrinter(
    IOptions<DeviceOptions> device,
    IOptions<PrinterOptions> options,
    IOptionsMonitor<PrinterOptions> liveOptions,
    VirtualPrinter virtualPrinter,
    PeripheralEventRecorder recorder,
    ILogger<TicketPrinter> logger) : BackgroundService
{
    private EscPosPrinter? _printer;

    public bool Configured => options.Value.EffectiveTransport(device.Value.Simulate) != "none";

    /// <summary>Prints a ticket; throws <see cref="PrinterException"/> (reported as "print-failed") when it cannot.</summary>
    public async Task PrintAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        var printer = _printer ?? throw new PrinterException("no printer configured or it could not be opened");
        var layout = new TicketLayout(
            options.Value.Text == "ascii" ? VietnameseTextMode.WithoutDiacritics : VietnameseTextMode.CodePage1258,
            options.Value.CodePageTable);
        try
        {
            await printer.PrintAsync(layout.Render(ticket), checkStatusFirst: true, cancellationToken);
        }
        catch (PrinterException ex)
        {
            await recorder.RecordAsync("printer", PrinterStateNames.Of(printer.Status), $"print-failed: ticket {ticket.Number}: {ex.Message}", always: true);
            throw;
        }
    }

    public Task<PrinterStatus> QueryStatusAsync(CancellationToken cancellationToken) =>
        (_printer ?? throw new PrinterException("no printer configured")).QueryStatusAsync(cancellationToken);

    public Ticket TestTicket() =>
        new(liveOptions.CurrentValue.CentreName, "Kiểm tra máy in", "0000", 0, DateTime.Now, $"edge:{device.Value.Id}:test");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var transport = options.Value.EffectiveTransport(device.Value.Simulate);
        if (transport == "none")
        {
            return;
        }

        try
        {
            _printer = new EscPosPrinter(Open(transport));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            logger.LogError("Printer ({Transport}) could not be opened: {Error}. Ratings and everything else keep working", transport, ex.Message);
            await recorder.RecordAsync("printer", PrinterStateNames.Offline, ex.Message);
            return;
        }

        _printer.StatusChanged += (_, e) => _ = recorder.RecordAsync("printer", PrinterStateNames.Of(e.Current), e.Current.ToString());
        logger.LogInformation("Printer on {Printer}", _printer.Description);
        try
        {
            await _printer.PollStatusAsync(TimeSpan.FromSeconds(options.Value.StatusPollSeconds), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _printer?.Dispose();
        base.Dispose();
    }

    private IPrinterTransport Open(string transport)
    {
        var o = options.Value;
        return transport switch
        {
            "usb" => new DeviceFilePrinterTransport(o.DevicePath),
            "serial" => OpenSerial(o),
            "tcp" => new TcpPrinterTransport(o.Host, o.Port),
            "virtual" when device.Value.Simulate => virtualPrinter.CreateTransport(),
            // A virtual printer outside simulation would swallow every ticket while the kiosk believes it printed.
            _ => throw new InvalidOperationException($"{PrinterOptions.Section}:Transport '{transport}' exists only under --simulate"),
        };
    }

    /// <summary>
    /// Apart from <see cref="Open"/>, never inlined and typed as the interface: naming the serial transport in
    /// <see cref="Open"/> loads System.IO.Ports when it is compiled, whichever transport is configured (issue 14 row e).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IPrinterTransport OpenSerial(PrinterOptions o) => new SerialPrinterTransport(o.SerialPort, o.BaudRate);
}
