using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Releases;

/// <summary>
/// Rollouts and their devices in <c>{Fleet:DataDir}/rollouts.db</c> (a file of its own: ingest never waits behind a
/// rollout). Everything is also held in memory (one process owns the file, so nothing else changes it); every change
/// is durable (<see cref="LiteFile.CommitDurably{T}"/>) before it is visible.
/// </summary>
public sealed class LiteRolloutStore : IRolloutStore, IDisposable
{
    private const string RolloutsCollection = "rollouts";
    private const string TargetsCollection = "targets";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<Rollout> _rollouts;
    private readonly ILiteCollection<RolloutTarget> _targets;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Rollout> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RolloutTarget> _targetsByKey = new(StringComparer.Ordinal);

    public LiteRolloutStore(string path)
    {
        _db = LiteFile.Open(path, RolloutsCollection, TargetsCollection);
        _rollouts = _db.GetCollection<Rollout>(RolloutsCollection);
        _targets = _db.GetCollection<RolloutTarget>(TargetsCollection);
        foreach (var rollout in _rollouts.FindAll())
        {
            _byId[rollout.Id] = rollout;
        }

        foreach (var target in _targets.FindAll())
        {
            _targetsByKey[target.Key] = target;
        }
    }

    public Task<IReadOnlyList<Rollout>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Rollout>>(_byId.Values.OrderByDescending(r => r.CreatedAt).ToList());
        }
    }

    public Task<Rollout?> FindAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_byId.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<RolloutTarget>> TargetsAsync(string rolloutId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RolloutTarget>>(_targetsByKey.Values.Where(t => t.RolloutId == rolloutId)
                .OrderBy(t => t.Stage).ThenBy(t => t.DeviceId, StringComparer.Ordinal).Select(t => t.Copy()).ToList());
        }
    }

    public Task<RolloutTarget?> TargetAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_targetsByKey.GetValueOrDefault(RolloutTarget.KeyOf(rolloutId, deviceId))?.Copy());
        }
    }

    public Task<string?> ActiveRolloutOfAsync(string deviceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(ActiveRolloutOf(deviceId));
        }
    }

    public Task<BusyDevice?> CreateAsync(Rollout rollout, IReadOnlyList<IReadOnlyList<string>> stages, DateTime now, CancellationToken cancellationToken)
    {
        var targets = stages.SelectMany((devices, stage) => devices.Select(d => new RolloutTarget
        {
            Key = RolloutTarget.KeyOf(rollout.Id, d),
            RolloutId = rollout.Id,
            DeviceId = d,
            Stage = stage,
            UpdatedAt = now,
        })).ToList();
        lock (_lock)
        {
            foreach (var target in targets)
            {
                if (ActiveRolloutOf(target.DeviceId) is { } busy)
                {
                    return Task.FromResult<BusyDevice?>(new BusyDevice(target.DeviceId, busy));
                }
            }

            Import(rollout, targets);
            return Task.FromResult<BusyDevice?>(null);
        }
    }

    public Task<RolloutTarget?> UpdateAsync(string rolloutId, string deviceId, Func<RolloutTarget, bool> change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_targetsByKey.TryGetValue(RolloutTarget.KeyOf(rolloutId, deviceId), out var current))
            {
                return Task.FromResult<RolloutTarget?>(null);
            }

            var changed = current.Copy();
            if (!change(changed))
            {
                return Task.FromResult<RolloutTarget?>(current.Copy());
            }

            LiteFile.CommitDurably(_db, () => _targets.Update(changed));
            _targetsByKey[changed.Key] = changed;
            return Task.FromResult<RolloutTarget?>(changed.Copy());
        }
    }

    public Task<bool> EndAsync(string rolloutId, string status, string? reason, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(rolloutId, out var current) || current.Status != RolloutStates.Active)
            {
                return Task.FromResult(false);
            }

            var changed = new Rollout { Id = current.Id, Version = current.Version, CreatedAt = current.CreatedAt, CreatedBy = current.CreatedBy, Status = status, Reason = reason };
            LiteFile.CommitDurably(_db, () => _rollouts.Update(changed));
            _byId[rolloutId] = changed;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<RolloutTarget>> StaleOffersAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RolloutTarget>>(_targetsByKey.Values
                .Where(t => t.Offered && (UpdateStates.IsFinal(t.State) || _byId.GetValueOrDefault(t.RolloutId)?.Status != RolloutStates.Active))
                .OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Copy()).ToList());
        }
    }

    /// <summary>Every rollout with its targets, as stored (for the copier into PostgreSQL).</summary>
    internal IReadOnlyList<(Rollout Rollout, IReadOnlyList<RolloutTarget> Targets)> Everything()
    {
        lock (_lock)
        {
            return _byId.Values.OrderBy(r => r.CreatedAt)
                .Select(r => (r, (IReadOnlyList<RolloutTarget>)_targetsByKey.Values.Where(t => t.RolloutId == r.Id).Select(t => t.Copy()).ToList()))
                .ToList();
        }
    }

    public void Dispose() => _db.Dispose();

    private string? ActiveRolloutOf(string deviceId) =>
        _targetsByKey.Values
            .Where(t => t.DeviceId == deviceId && !UpdateStates.IsFinal(t.State) && _byId.GetValueOrDefault(t.RolloutId)?.Status == RolloutStates.Active)
            .Select(t => t.RolloutId)
            .FirstOrDefault();

    private void Import(Rollout rollout, List<RolloutTarget> targets)
    {
        LiteFile.CommitDurably(_db, () =>
        {
            _rollouts.Insert(rollout);
            _targets.InsertBulk(targets);
            return 0;
        });
        _byId[rollout.Id] = rollout;
        foreach (var target in targets)
        {
            _targetsByKey[target.Key] = target;
        }
    }
}
