using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Releases;

/// <summary>
/// Rollouts and their devices in <c>{Fleet:DataDir}/rollouts.db</c> (a file of its own: ingest never waits behind a
/// rollout). Everything is also held in memory; every change is durable before it is visible.
/// </summary>
public sealed class RolloutBook : IDisposable
{
    private const string RolloutsCollection = "rollouts";
    private const string TargetsCollection = "targets";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<Rollout> _rollouts;
    private readonly ILiteCollection<RolloutTarget> _targets;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Rollout> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RolloutTarget> _targetsByKey = new(StringComparer.Ordinal);

    public RolloutBook(string path)
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

    public IReadOnlyList<Rollout> List()
    {
        lock (_lock)
        {
            return _byId.Values.OrderByDescending(r => r.CreatedAt).ToList();
        }
    }

    public Rollout? Find(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<RolloutTarget> Targets(string rolloutId)
    {
        lock (_lock)
        {
            return _targetsByKey.Values.Where(t => t.RolloutId == rolloutId).OrderBy(t => t.Stage).ThenBy(t => t.DeviceId, StringComparer.Ordinal).ToList();
        }
    }

    public RolloutTarget? Target(string rolloutId, string deviceId)
    {
        lock (_lock)
        {
            return _targetsByKey.GetValueOrDefault(RolloutTarget.KeyOf(rolloutId, deviceId));
        }
    }

    /// <summary>The active rollout a device is still being updated by, if any.</summary>
    public string? ActiveRolloutOf(string deviceId)
    {
        lock (_lock)
        {
            return _targetsByKey.Values
                .Where(t => t.DeviceId == deviceId && !UpdateStates.IsFinal(t.State) && _byId.GetValueOrDefault(t.RolloutId)?.Status == RolloutStates.Active)
                .Select(t => t.RolloutId)
                .FirstOrDefault();
        }
    }

    public void Create(Rollout rollout, IReadOnlyList<IReadOnlyList<string>> stages, DateTime now)
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

    /// <summary>Changes a stored target (a copy of it is passed to <paramref name="change"/>), durably; returns the new one.</summary>
    public RolloutTarget? Update(string rolloutId, string deviceId, Action<RolloutTarget> change)
    {
        lock (_lock)
        {
            if (!_targetsByKey.TryGetValue(RolloutTarget.KeyOf(rolloutId, deviceId), out var current))
            {
                return null;
            }

            var changed = Copy(current);
            change(changed);
            LiteFile.CommitDurably(_db, () => _targets.Update(changed));
            _targetsByKey[changed.Key] = changed;
            return changed;
        }
    }

    public void SetStatus(string rolloutId, string status, string? reason)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(rolloutId, out var current))
            {
                return;
            }

            var changed = new Rollout { Id = current.Id, Version = current.Version, CreatedAt = current.CreatedAt, CreatedBy = current.CreatedBy, Status = status, Reason = reason };
            LiteFile.CommitDurably(_db, () => _rollouts.Update(changed));
            _byId[rolloutId] = changed;
        }
    }

    public void Dispose() => _db.Dispose();

    private static RolloutTarget Copy(RolloutTarget t) => new()
    {
        Key = t.Key,
        RolloutId = t.RolloutId,
        DeviceId = t.DeviceId,
        Stage = t.Stage,
        State = t.State,
        Reason = t.Reason,
        HostVersion = t.HostVersion,
        OfferedAt = t.OfferedAt,
        UpdatedAt = t.UpdatedAt,
        TokenHashes = [.. t.TokenHashes],
    };
}
