using Edge.Fleet.Releases;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Options;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Releases;

/// <summary><c>move-to-postgres</c> for releases and rollouts: an embedded fleet's files into PostgreSQL, twice.</summary>
public sealed class ReleaseDataCopierTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private static readonly DateTime Now = new(2026, 11, 23, 13, 0, 0, DateTimeKind.Utc);

    private readonly TempFolder _folder = new("release-copier");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_release_with_its_archive_and_a_rollout_with_its_devices_are_copied_once()
    {
        var source = new FleetOptions { DataDir = _folder.Path };
        var liteReleases = new LiteReleaseStore(Options.Create(source));
        var (manifest, archive) = ReleaseStoreContract.Release("9.0.2", 700_000);
        Assert.Null(await liteReleases.SaveAsync(manifest, "sig-9.0.2", new MemoryStream(archive), CancellationToken.None));
        using (var liteRollouts = new LiteRolloutStore(source.FileIn("rollouts.db")))
        {
            await liteRollouts.CreateAsync(new Rollout { Id = "r1", Version = "9.0.2", CreatedAt = Now, CreatedBy = "admin" }, [["c1"], ["c2", "c3"]], Now, CancellationToken.None);
            await liteRollouts.UpdateAsync("r1", "c1", t =>
            {
                t.State = UpdateStates.Installed;
                t.HostVersion = "9.0.1";
                t.Offered = true;
                t.OfferedAt = Now.AddMinutes(1);
                t.TokenHashes.AddRange(["h1", "h2"]);
                return true;
            }, CancellationToken.None);
        }

        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _ = target;
        var copier = new ReleaseDataCopier();

        var first = await copier.CopyAsync(source, target, CancellationToken.None);
        var counted = await copier.CountInTargetAsync(target, CancellationToken.None);
        var second = await copier.CopyAsync(source, target, CancellationToken.None);

        Assert.Equal(1 + 1 + 3, first);
        Assert.Equal(first, counted);
        Assert.Equal(0, second);
        Assert.Equal(counted, await copier.CountInTargetAsync(target, CancellationToken.None));

        var releases = new PostgresReleaseStore(target, TimeProvider.System);
        var release = await releases.FindAsync("9.0.2", CancellationToken.None);
        var original = await liteReleases.FindAsync("9.0.2", CancellationToken.None);
        // PostgreSQL keeps microseconds, the file system 100 ns ticks.
        Assert.Equal(original! with { UploadedAt = release!.UploadedAt }, release);
        Assert.True(Math.Abs((release.UploadedAt - original.UploadedAt).TotalMilliseconds) < 1, $"{release.UploadedAt:O} vs {original.UploadedAt:O}");
        Assert.Equal(archive, await ReleaseStoreContract.ReadAllAsync(releases, "9.0.2"));

        var rollouts = new PostgresRolloutStore(target);
        var rollout = await rollouts.FindAsync("r1", CancellationToken.None);
        Assert.Equal(("9.0.2", "admin", Now, RolloutStates.Active), (rollout!.Version, rollout.CreatedBy, rollout.CreatedAt, rollout.Status));
        var targets = await rollouts.TargetsAsync("r1", CancellationToken.None);
        Assert.Equal([("c1", 0), ("c2", 1), ("c3", 1)], targets.Select(t => (t.DeviceId, t.Stage)));
        var c1 = targets[0];
        Assert.Equal((UpdateStates.Installed, "9.0.1", true, Now.AddMinutes(1)), (c1.State, c1.HostVersion, c1.Offered, c1.OfferedAt));
        Assert.Equal(["h1", "h2"], c1.TokenHashes);
    }

    [Fact]
    public async Task An_embedded_fleet_without_releases_copies_nothing()
    {
        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _ = target;

        Assert.Equal(0, await new ReleaseDataCopier().CopyAsync(new FleetOptions { DataDir = _folder.Path }, target, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "rollouts.db")));
    }
}
