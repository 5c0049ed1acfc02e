using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Auth;

/// <summary><c>move-to-postgres</c>: the people and their tokens of an embedded fleet's <c>registry.db</c>.</summary>
public sealed class PeopleDataCopier : RegistryFileCopier
{
    public override string What => "people, tokens";

    public override int Order => 14;

    protected override string[] Tables => ["fleet_users", "access_tokens"];

    protected override async Task<long> CopyAsync(RegistryFile db, NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await CopyRowsAsync(connection, db.Collection<FleetUser>(LitePeopleStore.UsersCollection),
            $"INSERT INTO fleet_users ({PostgresPeopleStore.UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
            PostgresPeopleStore.AddUserValues, cancellationToken)
        + await CopyRowsAsync(connection, db.Collection<AccessToken>(LitePeopleStore.TokensCollection),
            $"INSERT INTO access_tokens ({PostgresPeopleStore.TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            PostgresPeopleStore.AddTokenValues, cancellationToken);
}
