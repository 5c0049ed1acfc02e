using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Commands;

/// <summary>
/// <see cref="ICommandStore"/> in <c>{Fleet:DataDir}/commands.db</c> (collection <c>commands</c>), for one node: one lock
/// makes every change atomic. A new command is durable before it is sent; state changes are not fsynced (the device
/// answers again from its ledger when the retained command comes back). The file reopens itself after its engine failed
/// (<see cref="ReopeningLiteFile{TView}"/>).
/// </summary>
public sealed class LiteCommandStore : ICommandStore, IDisposable
{
    public const string FileName = "commands.db";

    private const string CommandsCollection = "commands";

    private readonly ReopeningLiteFile<ILiteCollection<CommandRecord>> _file;

    public LiteCommandStore(string path, StoreOutages? outages = null)
    {
        _file = new ReopeningLiteFile<ILiteCollection<CommandRecord>>("commands", path, [CommandsCollection], Attach, outages);
    }

    public Task AddAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        _file.Write(commands => commands.Insert(command));
        return Task.CompletedTask;
    }

    public Task<CommandRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<CommandRecord?>(_file.Locked((_, commands) => commands.FindById(id)));

    public Task<IReadOnlyList<CommandRecord>> OfDeviceAsync(string deviceId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CommandRecord>>(_file.Locked((_, commands) =>
            commands.Query().Where(c => c.DeviceId == deviceId).OrderByDescending(c => c.IssuedAt).Limit(limit).ToList()));

    public Task<IReadOnlyList<CommandRecord>> OpenAsync(string? deviceId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CommandRecord>>(_file.Locked((_, commands) =>
        {
            var open = commands.Query().Where(c => c.State == CommandStates.Pending || c.State == CommandOutcomes.Running);
            if (deviceId is not null)
            {
                open = open.Where(c => c.DeviceId == deviceId);
            }

            return open.ToList();
        }));

    public Task<CommandRecord?> UpdateAsync(string id, Func<CommandRecord, bool> change, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Locked((_, commands) =>
        {
            if (commands.FindById(id) is not { } command || !change(command))
            {
                return null;
            }

            commands.Update(command);
            return (CommandRecord?)command;
        }));

    public Task<CommandRecord?> ClaimDeliveryAsync(string id, DateTime now, TimeSpan quiet, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Locked((_, commands) =>
        {
            if (commands.FindById(id) is not { } command || !CommandDelivery.MayClaim(command, now, quiet))
            {
                return null;
            }

            command.LastSentAt = now;
            commands.Update(command);
            return (CommandRecord?)command;
        }));

    /// <summary>Every command, for the copier.</summary>
    internal IReadOnlyList<CommandRecord> All() => _file.Locked((_, commands) => commands.FindAll().ToList());

    public void Dispose() => _file.Dispose();

    private static ILiteCollection<CommandRecord> Attach(LiteDatabase db)
    {
        var commands = db.GetCollection<CommandRecord>(CommandsCollection);
        commands.EnsureIndex(c => c.DeviceId);
        commands.EnsureIndex(c => c.State);
        return commands;
    }
}

/// <summary>When a command may be sent again: the rule <see cref="ICommandStore.ClaimDeliveryAsync"/> applies on every engine.</summary>
public static class CommandDelivery
{
    public static bool MayClaim(CommandRecord command, DateTime now, TimeSpan quiet) =>
        command.State == CommandStates.Pending && now < command.ExpiresAt && (command.LastSentAt is not { } sent || sent <= now - quiet);
}
