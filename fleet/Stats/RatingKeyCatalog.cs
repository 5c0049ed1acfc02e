using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Hosting;
using Edge.Fleet.Web;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Stats;

/// <summary>
/// Which counters and fields ratings have been given for, and which counter each device serves: the keys the
/// per-counter and per-field statistics and the silent-counter alert enumerate (the event store answers counts for
/// a key, not the list of keys). Learnt from event batches on their way to ingest, scanning a device's batch at most
/// once per <see cref="ScanEvery"/> once it named its counter, so that the publish path stays cheap; kept in <c>{Fleet:DataDir}/rating-keys.json</c>.
/// When the device registry (centres, counters) exists it is the better source; this stays as the fallback.
/// </summary>
public sealed class RatingKeyCatalog
{
    public static readonly TimeSpan ScanEvery = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger<RatingKeyCatalog> _logger;
    private readonly Dictionary<string, DateTimeOffset> _lastScan = new(StringComparer.Ordinal);
    private RatingKeys _keys;

    public RatingKeyCatalog(IOptions<FleetOptions> options, TimeProvider time, ILogger<RatingKeyCatalog> logger)
    {
        _path = options.Value.FileIn("rating-keys.json");
        _time = time;
        _logger = logger;
        _keys = Load();
    }

    public IReadOnlyList<string> Counters
    {
        get
        {
            lock (_lock)
            {
                return [.. _keys.Counters];
            }
        }
    }

    public IReadOnlyList<string> Fields
    {
        get
        {
            lock (_lock)
            {
                return [.. _keys.Fields];
            }
        }
    }

    public string? CounterOf(string deviceId)
    {
        lock (_lock)
        {
            return _keys.DeviceCounters.GetValueOrDefault(deviceId);
        }
    }

    /// <summary>Looks at an events payload of <paramref name="deviceId"/> unless one of its batches was looked at lately.</summary>
    public void Notice(string deviceId, ReadOnlySequence<byte> payload)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_lastScan.TryGetValue(deviceId, out var last) && now - last < ScanEvery)
            {
                return;
            }
        }

        var (counter, fields) = Scan(payload);
        if (counter is not null)
        {
            // Only a batch that named the counter pauses the scanning: one of health samples or peripheral events
            // must not hide the ratings that follow it.
            lock (_lock)
            {
                _lastScan[deviceId] = now;
            }
        }

        Learn(deviceId, counter, fields);
    }

    /// <summary>Records what a device's events said (also the seam for tests and a future registry).</summary>
    public void Learn(string deviceId, string? counter, IReadOnlyCollection<string> fields)
    {
        lock (_lock)
        {
            var changed = false;
            if (counter is not null)
            {
                changed |= _keys.Counters.Add(counter);
                if (_keys.DeviceCounters.GetValueOrDefault(deviceId) != counter)
                {
                    _keys.DeviceCounters[deviceId] = counter;
                    changed = true;
                }
            }

            foreach (var field in fields)
            {
                changed |= _keys.Fields.Add(field);
            }

            if (changed)
            {
                Save();
            }
        }
    }

    /// <summary>The last counter and every field named in a batch; a payload that is not JSON yields nothing.</summary>
    internal static (string? Counter, IReadOnlyCollection<string> Fields) Scan(ReadOnlySequence<byte> payload)
    {
        string? counter = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(payload);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                var isCounter = reader.ValueTextEquals("counter"u8);
                var isField = !isCounter && reader.ValueTextEquals("field"u8);
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || !(isCounter || isField))
                {
                    continue;
                }

                var value = reader.GetString();
                if (string.IsNullOrEmpty(value) || value.Length > 64)
                {
                    continue;
                }

                if (isCounter)
                {
                    counter = value;
                }
                else
                {
                    fields.Add(value);
                }
            }
        }
        catch (JsonException)
        {
            // Ingest refuses and counts it; nothing to learn here.
        }

        return (counter, fields);
    }

    private RatingKeys Load()
    {
        try
        {
            if (File.Exists(_path))
            {
                var file = JsonSerializer.Deserialize(File.ReadAllText(_path), FleetJson.Default.RatingKeysFile);
                if (file is not null)
                {
                    return new RatingKeys(
                        new SortedSet<string>(file.Counters, StringComparer.Ordinal),
                        new SortedSet<string>(file.Fields, StringComparer.Ordinal),
                        new Dictionary<string, string>(file.DeviceCounters, StringComparer.Ordinal));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Starting with no known counters: {Path} unreadable ({Error})", _path, ex.Message);
        }

        return new RatingKeys(new SortedSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private void Save()
    {
        try
        {
            var file = new RatingKeysFile([.. _keys.Counters], [.. _keys.Fields], new Dictionary<string, string>(_keys.DeviceCounters));
            var temp = _path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(file, FleetJson.Default.RatingKeysFile));
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not save {Path}: {Error}", _path, ex.Message);
        }
    }

    private sealed record RatingKeys(SortedSet<string> Counters, SortedSet<string> Fields, Dictionary<string, string> DeviceCounters);
}

/// <summary>Shape of <c>rating-keys.json</c>.</summary>
public sealed record RatingKeysFile(List<string> Counters, List<string> Fields, Dictionary<string, string> DeviceCounters);
