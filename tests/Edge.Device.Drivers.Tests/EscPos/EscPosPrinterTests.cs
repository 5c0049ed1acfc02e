using System.Net;
using System.Net.Sockets;
using Edge.Device.Drivers.EscPos;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.EscPos;

public class EscPosPrinterTests
{
    // Generous: a late answer on a loaded machine would be taken for the next query's (clones do that too, see README).
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public void Status_bytes_decode_per_the_DLE_EOT_bit_tables()
    {
        // n=1 bit 3 offline; n=2 bit 2 cover open, bit 5 paper end stop, bit 6 error; n=4 bits 2-3 near end, 5-6 paper end.
        var ready = PrinterStatus.FromResponses(0x12, 0x12, 0x12, 0x12);
        var coverOpen = PrinterStatus.FromResponses(0x1A, 0x16, 0x12, 0x12);
        var paperOut = PrinterStatus.FromResponses(0x1A, 0x32, 0x12, 0x7E);
        var nearEnd = PrinterStatus.FromResponses(0x12, 0x12, 0x12, 0x1E);
        var cutterError = PrinterStatus.FromResponses(0x1A, 0x52, 0x1A, 0x12);

        Assert.True(ready.IsReady);
        Assert.True(coverOpen is { CoverOpen: true, Offline: true, IsReady: false });
        Assert.True(paperOut is { PaperEnd: true, PaperNearEnd: true, IsReady: false });
        Assert.True(nearEnd is { PaperNearEnd: true, PaperEnd: false, IsReady: true });
        Assert.True(cutterError is { Error: true, IsReady: false });
        Assert.Equal(PrinterStatus.Unknown, PrinterStatus.FromResponses(null, null, null, null));
        Assert.Equal(PrinterStatus.Unknown, PrinterStatus.FromResponses(0xFF, 0x12, 0x12, 0x12)); // fixed bits wrong: garbage
    }

    [Fact]
    public async Task Status_over_TCP_follows_paper_out_cover_open_and_recovery_on_a_fake_9100_printer()
    {
        using var fake = new VirtualPrinter();
        IPEndPoint endPoint = fake.ListenTcp();
        using var printer = new EscPosPrinter(new TcpPrinterTransport("127.0.0.1", endPoint.Port), statusTimeout: StatusTimeout);
        var changes = new List<PrinterStatus>();
        printer.StatusChanged += (_, e) => changes.Add(e.Current);

        Assert.True((await printer.QueryStatusAsync()).IsReady);

        fake.PaperOut = true;
        var paperOut = await printer.QueryStatusAsync();
        Assert.True(paperOut is { PaperEnd: true, Offline: true, IsReady: false });

        fake.PaperOut = false;
        fake.CoverOpen = true;
        var coverOpen = await printer.QueryStatusAsync();
        Assert.True(coverOpen is { CoverOpen: true, PaperEnd: false, IsReady: false });

        fake.CoverOpen = false;
        Assert.True((await printer.QueryStatusAsync()).IsReady);

        Assert.Equal(4, changes.Count);
        Assert.Equal([true, false, false, true], changes.Select(s => s.IsReady));
        Assert.Equal(
            new byte[] { 0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x03, 0x10, 0x04, 0x04 },
            fake.Received[..12]);
    }

    [Fact]
    public async Task After_the_network_printer_restarts_the_TCP_transport_reconnects()
    {
        var first = new VirtualPrinter();
        int port = first.ListenTcp().Port;
        using var printer = new EscPosPrinter(new TcpPrinterTransport("127.0.0.1", port), statusTimeout: StatusTimeout);
        Assert.True((await printer.QueryStatusAsync()).IsReady);

        first.Dispose(); // power cut: the connection drops
        using var second = new VirtualPrinter();
        second.ListenTcp(port);
        var giveUp = DateTime.UtcNow.AddSeconds(20);
        PrinterStatus status = PrinterStatus.Unknown;
        while (!status.IsReady && DateTime.UtcNow < giveUp)
        {
            try
            {
                status = await printer.QueryStatusAsync();
            }
            catch (PrinterException)
            {
                // The first attempt on the dead connection may fail: the next one reconnects.
            }
        }

        Assert.True(status.IsReady);
        await printer.PrintAsync(new EscPosBuilder().Line("after restart").Cut().ToArray());
        await WaitUntilAsync(() => second.Pages.Count == 1);
        Assert.Equal("after restart\n", second.Pages[0]);
    }

    [Fact]
    public async Task Polling_raises_StatusChanged_when_the_paper_runs_out()
    {
        using var fake = new VirtualPrinter();
        using var printer = new EscPosPrinter(new TcpPrinterTransport("127.0.0.1", fake.ListenTcp().Port), statusTimeout: StatusTimeout);
        var paperOut = new TaskCompletionSource<PrinterStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        printer.StatusChanged += (_, e) => { if (e.Current.PaperEnd) paperOut.TrySetResult(e.Current); };
        using var stop = new CancellationTokenSource();
        var polling = printer.PollStatusAsync(TimeSpan.FromMilliseconds(20), stop.Token);

        fake.PaperOut = true;
        var status = await paperOut.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(status.IsReady);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => polling);
    }

    [Fact]
    public async Task A_printer_that_never_answers_is_unknown_and_still_prints()
    {
        using var fake = new VirtualPrinter { AnswersStatus = false };
        using var printer = new EscPosPrinter(new TcpPrinterTransport("127.0.0.1", fake.ListenTcp().Port), statusTimeout: TimeSpan.FromMilliseconds(200));

        var status = await printer.QueryStatusAsync();
        await printer.PrintAsync(new EscPosBuilder().Initialize().Line("hello").Cut().ToArray());

        Assert.False(status.Answered);
        Assert.Equal(PrinterStatus.Unknown, printer.Status);
        await WaitUntilAsync(() => fake.Pages.Count == 1);
        Assert.Equal("hello\n", fake.Pages[0]);
    }

    [Fact]
    public async Task Printing_with_the_paper_out_throws_and_sends_nothing()
    {
        using var fake = new VirtualPrinter { PaperOut = true };
        using var printer = new EscPosPrinter(fake.CreateTransport(), statusTimeout: StatusTimeout);

        var error = await Assert.ThrowsAsync<PrinterNotReadyException>(
            () => printer.PrintAsync(new TicketLayout().Render(new Ticket("C", "F", "1", 0, DateTime.Now))));

        Assert.True(error.Status.PaperEnd);
        Assert.Empty(fake.Pages);
        Assert.Equal("", fake.CurrentPage);
    }

    [Fact]
    public async Task Printing_to_a_printer_nobody_listens_for_throws_a_printer_exception()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var printer = new EscPosPrinter(new TcpPrinterTransport("127.0.0.1", port, TimeSpan.FromSeconds(2)));

        await Assert.ThrowsAsync<PrinterException>(() => printer.PrintAsync(new byte[] { 0x1B, 0x40 }, checkStatusFirst: false));
    }

    [Fact]
    public async Task A_ticket_printed_through_the_in_process_transport_arrives_whole()
    {
        using var fake = new VirtualPrinter();
        using var printer = new EscPosPrinter(fake.CreateTransport(), statusTimeout: StatusTimeout);
        byte[] job = new TicketLayout().Render(new Ticket("Trung tâm", "Lao động", "1023", 2, new DateTime(2026, 1, 2, 3, 4, 0), "q"));

        await printer.PrintAsync(job);

        Assert.EndsWith(Convert.ToHexString(job), Convert.ToHexString(fake.Received));
        Assert.Contains("Lao động\n", fake.Pages.Single());
    }

    [Fact]
    public async Task A_ticket_without_a_known_issue_time_prints_no_date()
    {
        using var fake = new VirtualPrinter();
        using var printer = new EscPosPrinter(fake.CreateTransport(), statusTimeout: StatusTimeout);

        await printer.PrintAsync(new TicketLayout().Render(new Ticket("Trung tâm", "Lao động", "1023", 2, new DateTime(2026, 1, 2, 3, 4, 0))));
        await printer.PrintAsync(new TicketLayout().Render(new Ticket("Trung tâm", "Lao động", "1024", 2, IssuedAt: null)));

        Assert.Contains("02/01/2026 03:04", fake.Pages[0]);
        Assert.DoesNotMatch(@"\d\d/\d\d/\d{4}", fake.Pages[1]);
        Assert.Contains("1024", fake.Pages[1]);
    }

    [Fact]
    public async Task A_device_file_transport_writes_the_job_to_the_file()
    {
        string path = Path.GetTempFileName();
        try
        {
            using (var printer = new EscPosPrinter(new DeviceFilePrinterTransport(path), statusTimeout: TimeSpan.FromMilliseconds(50)))
            {
                await printer.PrintAsync(new byte[] { 0x1B, 0x40, 0x41, 0x0A }, checkStatusFirst: false);
            }

            Assert.Equal(new byte[] { 0x1B, 0x40, 0x41, 0x0A }, await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, "Condition never came true.");
            await Task.Delay(10);
        }
    }
}
