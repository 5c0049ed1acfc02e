namespace Edge.Device.Drivers.EscPos;

/// <summary>
/// An ESC/POS printer on an <see cref="IPrinterTransport"/>: prints jobs, asks real-time status
/// (<c>DLE EOT n</c>, 10 04 n) and raises <see cref="StatusChanged"/> when it changes.
/// </summary>
/// <remarks>
/// A job is never dropped silently: <see cref="PrintAsync"/> either returns after the bytes were handed to the
/// transport, or throws <see cref="PrinterNotReadyException"/> (the printer said it cannot print; nothing sent)
/// or <see cref="PrinterException"/> (the transport failed). An unknown status (no answer) does not stop a job:
/// printers that never answer are common. Printing and status queries share the transport one at a time.
/// </remarks>
public sealed class EscPosPrinter : IDisposable
{
    /// <summary>Default wait for each status byte.</summary>
    public static readonly TimeSpan DefaultStatusTimeout = TimeSpan.FromMilliseconds(500);

    private readonly IPrinterTransport _transport;
    private readonly bool _shouldDispose;
    private readonly TimeSpan _statusTimeout;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PrinterStatus _status = PrinterStatus.Unknown;

    /// <summary>A printer on <paramref name="transport"/>.</summary>
    /// <param name="transport">The byte pipe.</param>
    /// <param name="shouldDispose">Dispose <paramref name="transport"/> with the printer.</param>
    /// <param name="statusTimeout">Wait per status byte, &gt; 0; default 500 ms.</param>
    public EscPosPrinter(IPrinterTransport transport, bool shouldDispose = true, TimeSpan? statusTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _shouldDispose = shouldDispose;
        _statusTimeout = statusTimeout ?? DefaultStatusTimeout;
    }

    /// <summary>Raised when a status query finds a status different from the last one.</summary>
    public event EventHandler<PrinterStatusChangedEventArgs>? StatusChanged;

    /// <summary>The last status found (unknown until the first query).</summary>
    public PrinterStatus Status => Volatile.Read(ref _status);

    /// <summary>Where the printer is.</summary>
    public string Description => _transport.Description;

    /// <summary>
    /// Checks the status, then sends <paramref name="job"/> (e.g. <see cref="TicketLayout.Render"/>).
    /// </summary>
    /// <param name="job">ESC/POS bytes.</param>
    /// <param name="checkStatusFirst">Ask the status first and refuse when the printer says it cannot print.</param>
    /// <param name="ct">Cancels waiting; a job partly written may be partly printed.</param>
    /// <exception cref="PrinterNotReadyException">Paper end, cover open, offline or error: nothing was sent.</exception>
    /// <exception cref="PrinterException">The transport failed.</exception>
    public async Task PrintAsync(ReadOnlyMemory<byte> job, bool checkStatusFirst = true, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (checkStatusFirst)
            {
                PrinterStatus status = await QueryStatusLockedAsync(ct).ConfigureAwait(false);
                if (status.Answered && !status.IsReady)
                {
                    throw new PrinterNotReadyException(status);
                }
            }

            await _transport.WriteAsync(job, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks <c>DLE EOT</c> 1, 2, 3 and 4 (only 1 if that gets no answer) and updates <see cref="Status"/>.</summary>
    /// <exception cref="PrinterException">The transport failed (the status becomes unknown).</exception>
    public async Task<PrinterStatus> QueryStatusAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await QueryStatusLockedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Queries the status every <paramref name="interval"/> until <paramref name="ct"/> is cancelled; transport
    /// failures make the status unknown and polling goes on.</summary>
    public async Task PollStatusAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await QueryStatusAsync(ct).ConfigureAwait(false);
            }
            catch (PrinterException)
            {
                // Reported through StatusChanged (unknown); the next poll reconnects.
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_shouldDispose)
        {
            _transport.Dispose();
        }

        _gate.Dispose();
    }

    private async Task<PrinterStatus> QueryStatusLockedAsync(CancellationToken ct)
    {
        PrinterStatus status;
        try
        {
            await DiscardStaleAnswersAsync(ct).ConfigureAwait(false);
            byte? printer = await AskAsync(1, ct).ConfigureAwait(false);
            status = printer is null
                ? PrinterStatus.Unknown
                : PrinterStatus.FromResponses(
                    printer,
                    await AskAsync(2, ct).ConfigureAwait(false),
                    await AskAsync(3, ct).ConfigureAwait(false),
                    await AskAsync(4, ct).ConfigureAwait(false));
        }
        catch (PrinterException)
        {
            Update(PrinterStatus.Unknown);
            throw;
        }

        Update(status);
        return status;
    }

    // Some clones answer late: a byte left over from an earlier query must not be taken for this one's answer.
    private async Task DiscardStaleAnswersAsync(CancellationToken ct)
    {
        var scratch = new byte[16];
        while (await _transport.ReadAsync(scratch, TimeSpan.Zero, ct).ConfigureAwait(false) > 0)
        {
        }
    }

    private async Task<byte?> AskAsync(byte n, CancellationToken ct)
    {
        await _transport.WriteAsync(new byte[] { 0x10, 0x04, n }, ct).ConfigureAwait(false);
        var answer = new byte[1];
        int read = await _transport.ReadAsync(answer, _statusTimeout, ct).ConfigureAwait(false);
        return read == 1 ? answer[0] : null;
    }

    private void Update(PrinterStatus status)
    {
        PrinterStatus previous = Interlocked.Exchange(ref _status, status);
        if (previous != status)
        {
            StatusChanged?.Invoke(this, new PrinterStatusChangedEventArgs(previous, status));
        }
    }
}
