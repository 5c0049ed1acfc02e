using Edge.Fleet.Auth;
using Edge.Fleet.Store.Changes;

namespace Edge.Fleet.Centres;

/// <summary>
/// <see cref="ICentreDirectory"/> over <see cref="ICentreStore"/>: a snapshot loaded at start (<see cref="CentreDirectoryLoader"/>)
/// and reloaded whenever <see cref="ChangeTopics.Centres"/> is published on any node. Writers go through
/// <see cref="SaveAsync"/> and <see cref="DeleteAsync"/>, which publish the change after the commit. Should a reload
/// fail (the store is down), the last snapshot stays and the failure is logged and counted in <see cref="ReloadFailures"/>.
/// </summary>
public sealed class CentreDirectory : ICentreDirectory, IProvinceScope
{
    private readonly ICentreStore _store;
    private readonly IChangeFeed _changes;
    private readonly ILogger<CentreDirectory> _logger;
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private long _reloadFailures;

    public CentreDirectory(ICentreStore store, IChangeFeed changes, ILogger<CentreDirectory> logger)
    {
        _store = store;
        _changes = changes;
        _logger = logger;
        changes.Subscribe(ChangeTopics.Centres, () => _ = ReloadQuietlyAsync());
    }

    public IReadOnlyList<Province> Provinces => ProvinceList.All;

    public IReadOnlyList<CentreEntry> Centres => _snapshot.All;

    /// <summary>Reloads that failed since start (the previous snapshot was kept).</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    public CentreEntry? Find(string? centreId) => centreId is not null && _snapshot.ById.TryGetValue(centreId, out var entry) ? entry : null;

    public string? ProvinceOf(string? centreId) => Find(centreId)?.Province;

    public bool IsProvince(string code) => ProvinceList.Find(code) is not null;

    public IReadOnlySet<string> CentresIn(IEnumerable<string> provinceCodes)
    {
        var codes = provinceCodes.ToHashSet(StringComparer.Ordinal);
        return _snapshot.All.Where(c => codes.Contains(c.Province)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Loads the directory from the store (throws when the store is down).</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var centres = await _store.ListAsync(cancellationToken);
        _snapshot = new Snapshot(centres.Select(CentreEntry.Of).ToList());
    }

    /// <summary>Creates or replaces the centres (all or none), then tells every node.</summary>
    public async Task SaveAsync(IReadOnlyList<Centre> centres, CancellationToken cancellationToken)
    {
        await _store.SaveAsync(centres, cancellationToken);
        await _changes.PublishAsync(ChangeTopics.Centres, cancellationToken);
    }

    /// <summary>Removes the centre from the directory (its devices keep working, under "no province"), then tells every node.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await _store.DeleteAsync(id, cancellationToken);
        await _changes.PublishAsync(ChangeTopics.Centres, cancellationToken);
        return deleted;
    }

    private async Task ReloadQuietlyAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _reloadFailures);
            _logger.LogWarning(ex, "The centre directory could not be reloaded; the previous one stays in use");
        }
    }

    private sealed class Snapshot(IReadOnlyList<CentreEntry> all)
    {
        public static Snapshot Empty { get; } = new([]);

        public IReadOnlyList<CentreEntry> All { get; } = all;

        public IReadOnlyDictionary<string, CentreEntry> ById { get; } = all.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }
}

/// <summary>
/// Loads the centre directory at start, and again every <see cref="RetryEvery"/> while the last load failed (a store
/// that was down at start), so the fleet never stays on an empty directory once the store is back.
/// </summary>
public sealed class CentreDirectoryLoader(CentreDirectory directory, ILogger<CentreDirectoryLoader> logger) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(15);

    private bool _loaded;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryLoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_loaded && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(RetryEvery, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!stoppingToken.IsCancellationRequested)
            {
                await TryLoadAsync(stoppingToken);
            }
        }
    }

    private async Task TryLoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await directory.ReloadAsync(cancellationToken);
            _loaded = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The centre directory could not be loaded; centres show as 'no province' until it can (retried every {Interval})", RetryEvery);
        }
    }
}
