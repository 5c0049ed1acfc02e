using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Commands;

/// <summary>
/// <see cref="ICommandStore"/> in <c>{Fleet:DataDir}/commands.db</c> (collection <c>commands</c>), for one node: one lock
/// makes every change atomic. A new command is durable before it is sent; state changes are not fsynced (the device
/// answers again from its ledger when the retained command comes back).
/// </summary>
public sealed class LiteCommandStore : ICommandStore, IDisposable
{
    public const string FileName = "commands.db";

    private const string CommandsCollection = "commands";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<CommandRecord> _commands;
    private readonly Lock _gate = new();

    public LiteCommandStore(string path)
    {
        _db = LiteFile.Open(path, CommandsCollection);
        _commands = _db.GetCollection<CommandRecord>(CommandsCollection);
        _commands.EnsureIndex(c => c.DeviceId);
        _commands.EnsureIndex(c => c.State);
    }

    public Task AddAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            LiteFile.CommitDurably(_db, () => _commands.Insert(command));
        }

        return Task.CompletedTask;
    }

    public Task<CommandRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<CommandRecord?>(_commands.FindById(id));
        }
    }

    public Task<IReadOnlyList<CommandRecord>> OfDeviceAsync(string deviceId, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CommandRecord>>(
                _commands.Query().Where(c => c.DeviceId == deviceId).OrderByDescending(c => c.IssuedAt).Limit(limit).ToList());
        }
    }

    public Task<IReadOnlyList<CommandRecord>> OpenAsync(string? deviceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var open = _commands.Query().Where(c => c.State == CommandStates.Pending || c.State == CommandOutcomes.Running);
            if (deviceId is not null)
            {
                open = open.Where(c => c.DeviceId == deviceId);
            }

            return Task.FromResult<IReadOnlyList<CommandRecord>>(open.ToList());
        }
    }

    public Task<CommandRecord?> UpdateAsync(string id, Func<CommandRecord, bool> change, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_commands.FindById(id) is not { } command || !change(command))
            {
                return Task.FromResult<CommandRecord?>(null);
            }

            _commands.Update(command);
            return Task.FromResult<CommandRecord?>(command);
        }
    }

    public Task<CommandRecord?> ClaimDeliveryAsync(string id, DateTime now, TimeSpan quiet, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_commands.FindById(id) is not { } command || !CommandDelivery.MayClaim(command, now, quiet))
            {
                return Task.FromResult<CommandRecord?>(null);
            }

            command.LastSentAt = now;
            _commands.Update(command);
            return Task.FromResult<CommandRecord?>(command);
        }
    }

    /// <summary>Every command, for the copier.</summary>
    internal IReadOnlyList<CommandRecord> All()
    {
        lock (_gate)
        {
            return _commands.FindAll().ToList();
        }
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>When a command may be sent again: the rule <see cref="ICommandStore.ClaimDeliveryAsync"/> applies on every engine.</summary>
public static class CommandDelivery
{
    public static bool MayClaim(CommandRecord command, DateTime now, TimeSpan quiet) =>
        command.State == CommandStates.Pending && now < command.ExpiresAt && (command.LastSentAt is not { } sent || sent <= now - quiet);
}
