using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Edge.Fleet.Stats;
using Edge.Fleet.Web;
using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Health;

/// <summary>
/// <see cref="IRatingKeyStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/rating-keys.db</c>). A fleet that kept the
/// catalogue in <c>rating-keys.json</c> (before this store) has it imported when the file is first created; the JSON
/// file is left where it is.
/// </summary>
public sealed class LiteRatingKeyStore : IRatingKeyStore, IDisposable
{
    private const string CountersCollection = "counters";
    private const string FieldsCollection = "fields";
    private const string DeviceCountersCollection = "deviceCounters";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _counters;
    private readonly ILiteCollection<BsonDocument> _fields;
    private readonly ILiteCollection<BsonDocument> _deviceCounters;
    private readonly Lock _writeLock = new();

    /// <param name="path">The LiteDB file.</param>
    /// <param name="legacyJson">The former <c>rating-keys.json</c>, imported when the LiteDB file is new.</param>
    public LiteRatingKeyStore(string path, string? legacyJson = null)
    {
        var isNew = !File.Exists(path);
        _db = LiteFile.Open(path, CountersCollection, FieldsCollection, DeviceCountersCollection);
        _counters = _db.GetCollection(CountersCollection);
        _fields = _db.GetCollection(FieldsCollection);
        _deviceCounters = _db.GetCollection(DeviceCountersCollection);
        if (isNew && legacyJson is not null)
        {
            ImportJson(legacyJson);
        }
    }

    public Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new RatingKeySet(
        _counters.FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal).ToList(),
        _fields.FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal).ToList(),
        _deviceCounters.FindAll().ToDictionary(d => d["_id"].AsString, d => d["counter"].AsString, StringComparer.Ordinal)));

    public Task<bool> LearnAsync(string deviceId, string? counter, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            return Task.FromResult(Learn(deviceId, counter, fields));
        }
    }

    public void Dispose() => _db.Dispose();

    private bool Learn(string? deviceId, string? counter, IEnumerable<string> fields)
    {
        var changed = false;
        if (counter is not null)
        {
            changed |= AddKey(_counters, counter);
            if (deviceId is not null && _deviceCounters.FindById(deviceId)?["counter"].AsString != counter)
            {
                _deviceCounters.Upsert(new BsonDocument { ["_id"] = deviceId, ["counter"] = counter });
                changed = true;
            }
        }

        foreach (var field in fields)
        {
            changed |= AddKey(_fields, field);
        }

        return changed;
    }

    private static bool AddKey(ILiteCollection<BsonDocument> keys, string key)
    {
        if (keys.FindById(key) is not null)
        {
            return false;
        }

        keys.Insert(new BsonDocument { ["_id"] = key });
        return true;
    }

    /// <summary>The keys of a former <c>rating-keys.json</c>; null when it is missing or unreadable.</summary>
    internal static RatingKeySet? ReadJson(string legacyJson)
    {
        try
        {
            if (!File.Exists(legacyJson))
            {
                return null;
            }

            var file = JsonSerializer.Deserialize(File.ReadAllText(legacyJson), FleetJson.Default.RatingKeysFile);
            return file is null ? null : new RatingKeySet(file.Counters, file.Fields, file.DeviceCounters);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // An unreadable old catalogue is relearnt from the next event batches, as it always was.
            return null;
        }
    }

    private void ImportJson(string legacyJson)
    {
        if (ReadJson(legacyJson) is not { } keys)
        {
            return;
        }

        lock (_writeLock)
        {
            foreach (var counter in keys.Counters)
            {
                AddKey(_counters, counter);
            }

            Learn(null, null, keys.Fields);
            foreach (var (device, counter) in keys.DeviceCounters)
            {
                Learn(device, counter, []);
            }
        }
    }
}
