using Edge.Fleet.Store.Moving;
using Edge.Wire;
using Microsoft.Extensions.Options;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Releases;

/// <summary>
/// <c>move-to-postgres</c>: copies an embedded fleet's releases (<c>releases/{version}/</c>, archives included, upload
/// times kept) and its rollouts with their targets (<c>rollouts.db</c>, offers and token hashes included, so devices
/// in the middle of an update keep working) into PostgreSQL. A version or rollout already there is skipped, so a
/// second run writes nothing.
/// </summary>
public sealed class ReleaseDataCopier : IEmbeddedDataCopier
{
    public string What => "releases (with their archives), rollouts and their devices";

    public int Order => 70;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand(
            "SELECT (SELECT count(*) FROM releases) + (SELECT count(*) FROM rollouts) + (SELECT count(*) FROM rollout_targets)");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        long written = 0;
        var releases = new LiteReleaseStore(Options.Create(source));
        var postgresReleases = new PostgresReleaseStore(target, TimeProvider.System);
        foreach (var release in await releases.ListAsync(cancellationToken))
        {
            await using var archive = await releases.OpenArchiveAsync(release.Version, cancellationToken);
            if (archive is null)
            {
                continue;
            }

            var manifest = new ReleaseManifest(release.Version, release.Sha256, release.Size);
            if (await postgresReleases.SaveAsync(manifest, release.Signature, archive, release.UploadedAt, cancellationToken) is null)
            {
                written++;
            }
        }

        var rolloutsFile = source.FileIn("rollouts.db");
        if (File.Exists(rolloutsFile))
        {
            using var rollouts = new LiteRolloutStore(rolloutsFile);
            var postgresRollouts = new PostgresRolloutStore(target);
            foreach (var (rollout, targets) in rollouts.Everything())
            {
                written += await postgresRollouts.ImportAsync(rollout, targets, cancellationToken);
            }
        }

        return written;
    }
}
