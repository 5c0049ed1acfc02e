using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Updates;

/// <summary>A report not yet accepted by the fleet, with where and how to send it.</summary>
public sealed record PendingUpdateReport(string ReportUrl, string Token, UpdateReport Report);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PendingUpdateReport))]
[JsonSerializable(typeof(UpdateOffer))]
internal sealed partial class UpdateLocalJson : JsonSerializerContext;

/// <summary>
/// Tells the fleet how an update goes (downloading, installed, healthy, rolled back, refused). The latest report
/// is kept in <c>{DataDir}/update-report.json</c> until the fleet accepts it, so a report made just before a
/// restart (installed) or by the launcher while no host ran (the trial's outcome, <c>state/outcome.json</c>) is
/// delivered by whichever version runs next. Only the latest state matters: a newer report replaces an older one.
/// </summary>
public sealed class UpdateReporter(
    IOptions<DeviceOptions> device,
    IOptions<UpdateOptions> options,
    FleetHttpClients httpClients,
    ILogger<UpdateReporter> logger) : BackgroundService
{
    private readonly string _reportFile = Path.Combine(device.Value.ResolvedDataDir, "update-report.json");
    private readonly string _offerFile = Path.Combine(device.Value.ResolvedDataDir, "update-offer.json");
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Lock _fileLock = new();

    /// <summary>Keeps and sends a report about <paramref name="offer"/>.</summary>
    public void Report(UpdateOffer offer, string state, string? reason = null)
    {
        var report = new UpdateReport(offer.RolloutId, offer.Version, state, reason, HostVersion.Current, DateTimeOffset.UtcNow);
        var pending = new PendingUpdateReport(offer.ReportUrl, offer.Token, report);
        lock (_fileLock)
        {
            Edge.Device.Updates.StateFiles.Write(_reportFile, JsonSerializer.SerializeToUtf8Bytes(pending, UpdateLocalJson.Default.PendingUpdateReport));
        }

        logger.LogInformation("Update {Version}: {State}{Reason}", offer.Version, state, reason is null ? "" : $" ({reason})");
        _changed.Release();
    }

    /// <summary>Remembers the offer being installed, so that the trial's outcome can be reported after the restart.</summary>
    public void RememberInstalling(UpdateOffer offer) =>
        Edge.Device.Updates.StateFiles.Write(_offerFile, JsonSerializer.SerializeToUtf8Bytes(offer, UpdateLocalJson.Default.UpdateOffer));

    public UpdateOffer? Installing()
    {
        try
        {
            return File.Exists(_offerFile) ? JsonSerializer.Deserialize(File.ReadAllBytes(_offerFile), UpdateLocalJson.Default.UpdateOffer) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            PickUpTrialOutcome();
            var delivered = await TrySendAsync(stoppingToken);
            retry = delivered ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(30, retry.TotalSeconds * 2));
            try
            {
                await _changed.WaitAsync(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The launcher's verdict on the last trial becomes a report for the rollout that caused it.</summary>
    private void PickUpTrialOutcome()
    {
        if (string.IsNullOrWhiteSpace(options.Value.InstallRoot))
        {
            return;
        }

        var layout = new InstallLayout(options.Value.InstallRoot);
        if (Edge.Device.Updates.StateFiles.ReadOutcome(layout) is not { } outcome)
        {
            return;
        }

        if (Installing() is { } offer && offer.RolloutId == outcome.RolloutId && offer.Version == outcome.Version)
        {
            Report(offer, outcome.State, outcome.Reason);
        }
        else
        {
            logger.LogWarning("Trial outcome of {Version} ({State}) has no offer to report it to", outcome.Version, outcome.State);
        }

        File.Delete(layout.OutcomeFile);
    }

    private async Task<bool> TrySendAsync(CancellationToken cancellationToken)
    {
        PendingUpdateReport? pending;
        byte[] content;
        lock (_fileLock)
        {
            if (!File.Exists(_reportFile))
            {
                return true;
            }

            content = File.ReadAllBytes(_reportFile);
        }

        try
        {
            pending = JsonSerializer.Deserialize(content, UpdateLocalJson.Default.PendingUpdateReport);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Dropped an unreadable pending update report: {Error}", ex.Message);
            File.Delete(_reportFile);
            return true;
        }

        if (pending is null)
        {
            return true;
        }

        if (!await SendAsync(pending, cancellationToken))
        {
            return false;
        }

        lock (_fileLock)
        {
            // Only what was sent: a newer report written meanwhile stays for the next round.
            if (File.Exists(_reportFile) && File.ReadAllBytes(_reportFile).AsSpan().SequenceEqual(content))
            {
                File.Delete(_reportFile);
            }
        }

        return true;
    }

    /// <summary>
    /// Posts <paramref name="pending"/>: true once the fleet took it or refused it for good, false to try again later.
    /// Its own method so that the state machine of <see cref="TrySendAsync"/>, run at start, names no HTTP type: the
    /// host then loads System.Net.Http only when it has a report to send (issue 14 row e).
    /// </summary>
    private async Task<bool> SendAsync(PendingUpdateReport pending, CancellationToken cancellationToken)
    {
        try
        {
            using var http = httpClients.Create();
            http.Timeout = TimeSpan.FromSeconds(15);
            using var request = new HttpRequestMessage(HttpMethod.Post, pending.ReportUrl)
            {
                Content = JsonContent.Create(pending.Report, ReleaseJson.Default.UpdateReport),
            };
            request.Headers.Add(ReleaseDownload.TokenHeader, pending.Token);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode && (int)response.StatusCode is < 400 or >= 500)
            {
                logger.LogDebug("Update report not accepted yet: {Status}", (int)response.StatusCode);
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                // 4xx: the fleet will never take it (rollout gone, token revoked): do not retry forever.
                logger.LogWarning("The fleet refused the update report ({Status}); dropped", (int)response.StatusCode);
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Update report not delivered yet: {Error}", ex.Message);
            return false;
        }
    }
}
