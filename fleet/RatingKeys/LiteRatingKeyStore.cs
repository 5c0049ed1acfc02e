using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Edge.Fleet.Web;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;

namespace Edge.Fleet.RatingKeys;

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

    private readonly ReopeningLiteFile<Collections> _file;

    /// <param name="path">The LiteDB file.</param>
    /// <param name="legacyJson">The former <c>rating-keys.json</c>, imported when the LiteDB file is new.</param>
    /// <param name="outages">Where the file's state is reported (it reopens itself after a failure).</param>
    public LiteRatingKeyStore(string path, string? legacyJson = null, StoreOutages? outages = null)
    {
        var isNew = !File.Exists(path);
        _file = new ReopeningLiteFile<Collections>(
            "rating-keys", path, [CountersCollection, FieldsCollection, DeviceCountersCollection], Collections.Of, outages);
        if (isNew && legacyJson is not null && _file.Problem is null)
        {
            ImportJson(legacyJson);
        }
    }

    public Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(_file.Read(keys => new RatingKeySet(
        keys.Counters.FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal).ToList(),
        keys.Fields.FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal).ToList(),
        keys.DeviceCounters.FindAll().ToDictionary(d => d["_id"].AsString, d => d["counter"].AsString, StringComparer.Ordinal))));

    /// <summary>
    /// One transaction for the whole set, not durable (what is lost is learnt again from the next batches): in a
    /// reconnect storm, a write per device that named its counter was about 8% of the fleet's CPU (issue 14).
    /// </summary>
    public Task<bool> LearnAsync(RatingKeySet learnt, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(keys => Learn(keys, learnt), durable: false));

    public void Dispose() => _file.Dispose();

    private static bool Learn(Collections keys, RatingKeySet learnt)
    {
        var changed = false;
        foreach (var counter in learnt.Counters)
        {
            changed |= AddKey(keys.Counters, counter);
        }

        foreach (var field in learnt.Fields)
        {
            changed |= AddKey(keys.Fields, field);
        }

        foreach (var (deviceId, counter) in learnt.DeviceCounters)
        {
            if (keys.DeviceCounters.FindById(deviceId)?["counter"].AsString != counter)
            {
                keys.DeviceCounters.Upsert(new BsonDocument { ["_id"] = deviceId, ["counter"] = counter });
                changed = true;
            }
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

            var file = JsonSerializer.Deserialize(File.ReadAllText(legacyJson), RatingKeysJson.Default.RatingKeysFile);
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

        // The device counters' own counters are keys too.
        _file.Write(
            collections => Learn(collections, keys with { Counters = [.. keys.Counters.Union(keys.DeviceCounters.Values, StringComparer.Ordinal)] }));
    }

    /// <summary>The file's collections, taken again at every opening.</summary>
    private sealed record Collections(
        ILiteCollection<BsonDocument> Counters, ILiteCollection<BsonDocument> Fields, ILiteCollection<BsonDocument> DeviceCounters)
    {
        public static Collections Of(LiteDatabase db) =>
            new(db.GetCollection(CountersCollection), db.GetCollection(FieldsCollection), db.GetCollection(DeviceCountersCollection));
    }
}
