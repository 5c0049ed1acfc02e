using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Storage;
using Edge.Wire;

namespace Edge.Device.Commands;

/// <summary>One handled command: its kind, where it got to, and the result the fleet was (or will be) sent.</summary>
public sealed record HandledCommand(string Id, string Kind, string Outcome, string? Detail, DateTimeOffset At);

/// <summary>
/// The command ids this device has handled, on disk (<c>{DataDir}/commands-done.json</c>, written atomically at every
/// step): an id is written as <see cref="CommandOutcomes.Running"/> before its command starts, so a redelivered command
/// (retained messages come again with every connection) or one interrupted by a power cut never runs a second time.
/// Keeps the newest <c>Commands:RememberIds</c>; the fleet's expiry bounds how long an id can come back.
/// </summary>
public sealed class HandledCommandStore
{
    public const string FileName = "commands-done.json";

    private readonly string _path;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HandledCommand> _entries;

    public HandledCommandStore(string path, int capacity)
    {
        _path = path;
        _capacity = capacity;
        _entries = Load(path).ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    public HandledCommand? Find(string id)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<HandledCommand> Newest(int count)
    {
        lock (_gate)
        {
            return _entries.Values.OrderByDescending(e => e.At).Take(count).ToList();
        }
    }

    /// <summary>Records a step and returns once it is on disk.</summary>
    public void Record(HandledCommand entry)
    {
        lock (_gate)
        {
            _entries[entry.Id] = entry;
            foreach (var old in _entries.Values.OrderByDescending(e => e.At).Skip(_capacity).ToList())
            {
                _entries.Remove(old.Id);
            }

            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(_entries.Values.ToList(), LedgerJson.Default.ListHandledCommand));
        }
    }

    private static List<HandledCommand> Load(string path)
    {
        try
        {
            return AtomicFile.ReadOrNull(path) is { } bytes ? JsonSerializer.Deserialize(bytes, LedgerJson.Default.ListHandledCommand) ?? [] : [];
        }
        catch (JsonException)
        {
            // Only a failing SD card gets here (the file is replaced atomically); the fleet's expiry still bounds reruns.
            return [];
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<HandledCommand>))]
internal sealed partial class LedgerJson : JsonSerializerContext;
