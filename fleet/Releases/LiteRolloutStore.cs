using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Releases;

/// <summary>
/// Rollouts and their devices in <c>{Fleet:DataDir}/rollouts.db</c> (a file of its own: ingest never waits behind a
/// rollout). Everything is also held in memory (one process owns the file, so nothing else changes it); every change
/// is durable (<see cref="LiteFile.CommitDurably{T}"/>) before it is visible. The file reopens itself after its engine
/// failed (a full disk, <see cref="ReopeningLiteFile{TView}"/>): meanwhile every call throws
/// <see cref="StoreUnavailableException"/> naming the rollout store, and what is held in memory is read again from the
/// file at each opening (a change whose commit failed is never shown).
/// </summary>
public sealed class LiteRolloutStore : IRolloutStore, IDisposable
{
    private const string RolloutsCollection = "rollouts";
    private const string TargetsCollection = "targets";

    private readonly ReopeningLiteFile<RolloutFile> _file;

    /// <summary>The store on <paramref name="path"/> (see <see cref="ReopeningLiteFile{TView}"/> for <paramref name="outages"/> and <paramref name="opening"/>).</summary>
    public LiteRolloutStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<RolloutFile>(Name, path, [RolloutsCollection, TargetsCollection], RolloutFile.Of, outages, opening);
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "rollout";

    public Task<IReadOnlyList<Rollout>> ListAsync(CancellationToken cancellationToken)
    {
        return Task.FromResult<IReadOnlyList<Rollout>>(_file.Locked((_, f) => f.ById.Values.OrderByDescending(r => r.CreatedAt).ToList()));
    }

    public Task<Rollout?> FindAsync(string id, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((_, f) => f.ById.GetValueOrDefault(id)));
    }

    public Task<IReadOnlyList<RolloutTarget>> TargetsAsync(string rolloutId, CancellationToken cancellationToken)
    {
        return Task.FromResult<IReadOnlyList<RolloutTarget>>(_file.Locked((_, f) => f.TargetsByKey.Values.Where(t => t.RolloutId == rolloutId)
            .OrderBy(t => t.Stage).ThenBy(t => t.DeviceId, StringComparer.Ordinal).Select(t => t.Copy()).ToList()));
    }

    public Task<RolloutTarget?> TargetAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((_, f) => f.TargetsByKey.GetValueOrDefault(RolloutTarget.KeyOf(rolloutId, deviceId))?.Copy()));
    }

    public Task<string?> ActiveRolloutOfAsync(string deviceId, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((_, f) => ActiveRolloutOf(f, deviceId)));
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
        return Task.FromResult(_file.Locked((db, f) =>
        {
            foreach (var target in targets)
            {
                if (ActiveRolloutOf(f, target.DeviceId) is { } busy)
                {
                    return new BusyDevice(target.DeviceId, busy);
                }
            }

            Import(db, f, rollout, targets);
            return (BusyDevice?)null;
        }));
    }

    public Task<RolloutTarget?> UpdateAsync(string rolloutId, string deviceId, Func<RolloutTarget, bool> change, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, f) =>
        {
            if (!f.TargetsByKey.TryGetValue(RolloutTarget.KeyOf(rolloutId, deviceId), out var current))
            {
                return null;
            }

            var changed = current.Copy();
            if (!change(changed))
            {
                return current.Copy();
            }

            LiteFile.CommitDurably(db, () => f.Targets.Update(changed));
            f.TargetsByKey[changed.Key] = changed;
            return (RolloutTarget?)changed.Copy();
        }));
    }

    public Task<bool> EndAsync(string rolloutId, string status, string? reason, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, f) =>
        {
            if (!f.ById.TryGetValue(rolloutId, out var current) || current.Status != RolloutStates.Active)
            {
                return false;
            }

            var changed = new Rollout { Id = current.Id, Version = current.Version, CreatedAt = current.CreatedAt, CreatedBy = current.CreatedBy, Status = status, Reason = reason };
            LiteFile.CommitDurably(db, () => f.Rollouts.Update(changed));
            f.ById[rolloutId] = changed;
            return true;
        }));
    }

    public Task<IReadOnlyList<RolloutTarget>> StaleOffersAsync(CancellationToken cancellationToken)
    {
        return Task.FromResult<IReadOnlyList<RolloutTarget>>(_file.Locked((_, f) => f.TargetsByKey.Values
            .Where(t => t.Offered && (UpdateStates.IsFinal(t.State) || f.ById.GetValueOrDefault(t.RolloutId)?.Status != RolloutStates.Active))
            .OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Copy()).ToList()));
    }

    /// <summary>Every rollout with its targets, as stored (for the copier into PostgreSQL).</summary>
    internal IReadOnlyList<(Rollout Rollout, IReadOnlyList<RolloutTarget> Targets)> Everything() =>
        _file.Locked((_, f) => f.ById.Values.OrderBy(r => r.CreatedAt)
            .Select(r => (r, (IReadOnlyList<RolloutTarget>)f.TargetsByKey.Values.Where(t => t.RolloutId == r.Id).Select(t => t.Copy()).ToList()))
            .ToList());

    public void Dispose() => _file.Dispose();

    private static string? ActiveRolloutOf(RolloutFile f, string deviceId) =>
        f.TargetsByKey.Values
            .Where(t => t.DeviceId == deviceId && !UpdateStates.IsFinal(t.State) && f.ById.GetValueOrDefault(t.RolloutId)?.Status == RolloutStates.Active)
            .Select(t => t.RolloutId)
            .FirstOrDefault();

    private static void Import(LiteDatabase db, RolloutFile f, Rollout rollout, List<RolloutTarget> targets)
    {
        LiteFile.CommitDurably(db, () =>
        {
            f.Rollouts.Insert(rollout);
            f.Targets.InsertBulk(targets);
            return 0;
        });
        f.ById[rollout.Id] = rollout;
        foreach (var target in targets)
        {
            f.TargetsByKey[target.Key] = target;
        }
    }

    /// <summary>The file's collections and everything in them, read again at every opening; changed under the file's write lock only.</summary>
    private sealed record RolloutFile(
        ILiteCollection<Rollout> Rollouts,
        ILiteCollection<RolloutTarget> Targets,
        Dictionary<string, Rollout> ById,
        Dictionary<string, RolloutTarget> TargetsByKey)
    {
        public static RolloutFile Of(LiteDatabase db)
        {
            var rollouts = db.GetCollection<Rollout>(RolloutsCollection);
            var targets = db.GetCollection<RolloutTarget>(TargetsCollection);
            var file = new RolloutFile(rollouts, targets, new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            foreach (var rollout in rollouts.FindAll())
            {
                file.ById[rollout.Id] = rollout;
            }

            foreach (var target in targets.FindAll())
            {
                file.TargetsByKey[target.Key] = target;
            }

            return file;
        }
    }
}
