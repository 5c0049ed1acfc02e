using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Commands;

/// <summary>A command sent to a device and where it got to (collection <c>commands</c>).</summary>
public sealed class CommandRecord
{
    [BsonId]
    public string Id { get; set; } = "";

    public string DeviceId { get; set; } = "";

    public string Kind { get; set; } = "";

    /// <summary><see cref="CommandStates.Pending"/>, or a <see cref="CommandOutcomes"/> value.</summary>
    public string State { get; set; } = CommandStates.Pending;

    public string? Detail { get; set; }

    public DateTime IssuedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public int TimeoutSeconds { get; set; }

    public string IssuedBy { get; set; } = "";

    /// <summary>When the device said it started (fleet clock).</summary>
    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public bool IsFinal => CommandOutcomes.IsFinal(State);

    public DeviceCommand ToWire() =>
        new(Id, Kind, new DateTimeOffset(IssuedAt, TimeSpan.Zero), new DateTimeOffset(ExpiresAt, TimeSpan.Zero), TimeoutSeconds);
}

/// <summary>The fleet's state names: the device's outcomes plus <see cref="Pending"/> (not started yet).</summary>
public static class CommandStates
{
    public const string Pending = "pending";
}

/// <summary>Commands and their states, in <c>{Fleet:DataDir}/commands.db</c>; a new command is durable before it is sent.</summary>
public sealed class CommandBook : IDisposable
{
    private const string CommandsCollection = "commands";

    public const string FileName = "commands.db";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<CommandRecord> _commands;
    private readonly Lock _gate = new();

    public CommandBook(string path)
    {
        _db = LiteFile.Open(path, CommandsCollection);
        _commands = _db.GetCollection<CommandRecord>(CommandsCollection);
        _commands.EnsureIndex(c => c.DeviceId);
        _commands.EnsureIndex(c => c.State);
    }

    public void Add(CommandRecord command)
    {
        lock (_gate)
        {
            LiteFile.CommitDurably(_db, () => _commands.Insert(command));
        }
    }

    public CommandRecord? Find(string id)
    {
        lock (_gate)
        {
            return _commands.FindById(id);
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<CommandRecord> OfDevice(string deviceId, int limit)
    {
        lock (_gate)
        {
            return _commands.Query().Where(c => c.DeviceId == deviceId).OrderByDescending(c => c.IssuedAt).Limit(limit).ToList();
        }
    }

    /// <summary>Commands without a final state (pending or running).</summary>
    public IReadOnlyList<CommandRecord> Open()
    {
        lock (_gate)
        {
            return _commands.Query().Where(c => c.State == CommandStates.Pending || c.State == CommandOutcomes.Running).ToList();
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored command atomically; returns the updated command, or null when unknown or unchanged.</summary>
    public CommandRecord? Update(string id, Func<CommandRecord, bool> change)
    {
        lock (_gate)
        {
            if (_commands.FindById(id) is not { } command || !change(command))
            {
                return null;
            }

            _commands.Update(command);
            return command;
        }
    }

    public void Dispose() => _db.Dispose();
}
