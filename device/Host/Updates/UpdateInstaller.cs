using System.Security.Cryptography;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Updates;

/// <summary>
/// Acts on the fleet's update offers, one at a time: checks the signature of the offered manifest against the
/// trusted key before downloading, downloads and checks the archive's size and SHA-256 before unpacking, unpacks it
/// beside the running version (<c>releases/{version}</c>), writes the trial, switches <c>current</c> atomically and
/// stops the host so that the launcher starts the new version. Any check that fails refuses the update with its
/// reason (reported to the fleet, counted); nothing is installed and the running version carries on.
/// </summary>
public sealed class UpdateInstaller(
    IOptions<UpdateOptions> options,
    UpdateOffers offers,
    UpdateReporter reporter,
    ReleaseDownload download,
    IHostApplicationLifetime lifetime,
    ILogger<UpdateInstaller> logger) : BackgroundService
{
    private readonly UpdateOptions _options = options.Value;
    private long _refused;

    public long Refused => Interlocked.Read(ref _refused);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var offer in offers.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await HandleAsync(offer, stoppingToken))
                {
                    lifetime.StopApplication();
                    return;
                }
            }
            catch (ReleaseRefusedException ex)
            {
                Interlocked.Increment(ref _refused);
                logger.LogError("Refused update {Version}: {Reason} ({Count} refused so far)", offer.Version, ex.Message, Refused);
                reporter.Report(offer, UpdateStates.Refused, ex.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>True when the new version is installed and switched to: the host must stop for the launcher to start it.</summary>
    public async Task<bool> HandleAsync(UpdateOffer offer, CancellationToken cancellationToken)
    {
        var layout = string.IsNullOrWhiteSpace(_options.InstallRoot) ? null : new InstallLayout(_options.InstallRoot);
        if (offer.Version == HostVersion.Current)
        {
            // Running it already. On trial, the launcher's verdict is reported once it is known; otherwise it is kept.
            if (layout is null || StateFiles.ReadTrial(layout)?.Version != offer.Version)
            {
                reporter.Report(offer, UpdateStates.Healthy);
            }

            return false;
        }

        if (layout is not null && File.Exists(layout.RolledBackMarker(offer.Version)))
        {
            reporter.Report(offer, UpdateStates.RolledBack, await File.ReadAllTextAsync(layout.RolledBackMarker(offer.Version), cancellationToken));
            return false;
        }

        var previous = Check(offer, layout);
        reporter.Report(offer, UpdateStates.Downloading);
        var archive = await DownloadAsync(offer, layout!, cancellationToken);
        var folder = layout!.ReleaseFolder(offer.Version);
        Unpack(archive, folder);
        File.Delete(archive);

        reporter.RememberInstalling(offer);
        StateFiles.WriteTrial(layout, new TrialRecord(offer.Version, previous, offer.RolloutId, _options.HealthyWithin.TotalSeconds));
        new CurrentLink(layout).SwitchTo(offer.Version);
        reporter.Report(offer, UpdateStates.Installed);
        logger.LogInformation("Switched to {Version} (previous {Previous}); restarting into its trial", offer.Version, previous);
        return true;
    }

    /// <summary>Everything that can be checked before a byte is downloaded; returns the running release's version.</summary>
    private string Check(UpdateOffer offer, InstallLayout? layout)
    {
        if (layout is null)
        {
            throw new ReleaseRefusedException($"the host is not running under the launcher ({UpdateOptions.Section}:InstallRoot is not set)");
        }

        if (string.IsNullOrWhiteSpace(_options.TrustedPublicKey))
        {
            throw new ReleaseRefusedException($"no {UpdateOptions.Section}:TrustedPublicKey is configured");
        }

        var problems = offer.Manifest.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ReleaseRefusedException($"the manifest is invalid: {string.Join("; ", problems)}");
        }

        using (var key = ReleaseSignature.ImportPublicKey(_options.TrustedPublicKey, out _))
        {
            if (key is null || !ReleaseSignature.Verify(key, offer.Manifest, offer.Signature))
            {
                throw new ReleaseRefusedException("the signature does not verify with the trusted release key");
            }
        }

        if (offer.Size > _options.MaxArchiveBytes)
        {
            throw new ReleaseRefusedException($"the archive ({offer.Size} bytes) is larger than {UpdateOptions.Section}:MaxArchiveBytes ({_options.MaxArchiveBytes})");
        }

        layout.EnsureFolders();
        return new CurrentLink(layout).Version()
            ?? throw new ReleaseRefusedException($"the host is not running from {layout.Current}: nothing to roll back to");
    }

    private async Task<string> DownloadAsync(UpdateOffer offer, InstallLayout layout, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await download.FetchAsync(offer, layout.Incoming, _options.DownloadTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.DownloadAttempts)
                {
                    throw new ReleaseRefusedException($"the download failed {attempt} times: {ex.Message}");
                }

                logger.LogWarning("Download of {Version} failed (attempt {Attempt}): {Error}", offer.Version, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(5 * attempt), cancellationToken);
            }
        }
    }

    private static void Unpack(string archive, string folder)
    {
        var partial = folder + ".partial";
        foreach (var leftover in new[] { partial, folder })
        {
            if (Directory.Exists(leftover))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }

        try
        {
            ReleaseArchive.Unpack(archive, partial);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            Directory.Delete(partial, recursive: true);
            File.Delete(archive);
            throw new ReleaseRefusedException($"the archive could not be unpacked: {ex.Message}");
        }

        if (HostProgram.ProblemIn(partial) is not null)
        {
            Directory.Delete(partial, recursive: true);
            throw new ReleaseRefusedException($"the archive holds no startable host at its top level ({HostProgram.DllName}, or {HostProgram.NativeName} executable)");
        }

        Directory.Move(partial, folder);
    }
}
