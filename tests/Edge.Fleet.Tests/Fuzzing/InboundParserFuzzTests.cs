using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Tests.Fuzzing;

/// <summary>
/// Every inbound parser, fed hostile bytes: it answers with its documented refusal (a reading with a reason, or a
/// <see cref="JsonException"/> that the handler turns into one), never another exception; valid input round-trips.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class InboundParserFuzzTests
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Events_reader_refuses_or_reads_any_payload_and_never_throws()
    {
        var valid = WireGen.Json(new EventBatch("dev-a", [new DeviceEvent { Seq = 1, Kind = EventKinds.Rating, At = Morning, Level = 4, Scale = 4, Counter = "c1" }]), WireJson.Default.EventBatch);
        WireGen.Payload(valid).Sample(payload =>
        {
            var reading = EventBatchReader.Read("dev-a", new ReadOnlySequence<byte>(payload));
            if (reading.Result == IngestResult.Stored)
            {
                Assert.NotNull(reading.Batch);
                Assert.Equal("dev-a", reading.Batch.DeviceId);
                Assert.All(reading.Batch.Events, e => Assert.True(e.Seq >= 1 && e.Kind is not null));
            }
            else
            {
                Assert.Null(reading.Batch);
                Assert.NotEqual(IngestResult.NotStored, reading.Result);
            }
        }, iter: FuzzBudget.Iter(3000));
    }

    [Fact]
    public void Valid_event_batches_round_trip_through_the_reader()
    {
        WireGen.Event.Array[1, 8].Sample(events =>
        {
            var batch = new EventBatch("dev-a", events);
            var reading = EventBatchReader.Read("dev-a", new ReadOnlySequence<byte>(WireGen.Json(batch, WireJson.Default.EventBatch)));
            if (reading.Batch is null)
            {
                // Only what the reader documents: oversized (long texts) or, never here, anything else.
                Assert.Equal(IngestResult.Oversized, reading.Result);
                return;
            }

            Assert.Equal(events, reading.Batch.Events);
        }, iter: FuzzBudget.Iter(200));
    }

    [Fact]
    public void Status_payloads_parse_or_are_refused_as_json() =>
        FuzzJson(WireJson.Default.DeviceStatus, new DeviceStatus(true, "s1", Morning, "1.2.3"));

    [Fact]
    public void Health_payloads_parse_or_are_refused_as_json() =>
        FuzzJson(WireJson.Default.HealthReport, new HealthReport { At = Morning, UptimeS = 42 });

    [Fact]
    public void Reported_config_payloads_parse_or_are_refused_as_json() =>
        FuzzJson(ConfigJson.Default.ReportedConfig, new ReportedConfig(3, "applied", null, null, ["rating.scale"], Morning));

    [Fact]
    public void Command_results_parse_or_are_refused_as_json() =>
        FuzzJson(CommandJson.Default.CommandResult, new CommandResult("cmd-1", CommandOutcomes.Succeeded, "ok", Morning));

    [Fact]
    public void Queue_call_requests_parse_or_are_refused_as_json() =>
        FuzzJson(WireJson.Default.CallRequest, new CallRequest("r1", "next", "c1", ["land"]));

    [Fact]
    public void Provisioning_requests_parse_or_are_refused_as_json() =>
        FuzzJson(ProvisioningJson.Default.ProvisionRequest, new ProvisionRequest("ABCD-1234"));

    [Fact]
    public void Release_manifests_parse_or_are_refused_and_a_forged_signature_never_verifies()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var manifest = new ReleaseManifest("1.2.3", new string('a', 64), 1234);
        var signature = ReleaseSignature.Sign(key, manifest);
        FuzzJson(ReleaseJson.Default.ReleaseManifest, manifest);

        Gen.Select(Gen.String[0, 200], WireGen.Payload(WireGen.Json(manifest, ReleaseJson.Default.ReleaseManifest))).Sample(t =>
        {
            ReleaseManifest? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(t.Item2, ReleaseJson.Default.ReleaseManifest);
            }
            catch (JsonException)
            {
                return;
            }

            if (parsed?.Version is not null && parsed.Sha256 is not null && parsed != manifest)
            {
                Assert.False(ReleaseSignature.Verify(key, parsed, signature));
            }

            Assert.False(ReleaseSignature.Verify(key, manifest, t.Item1 == signature ? null : t.Item1));
        }, iter: FuzzBudget.Iter(500));
    }

    /// <summary>Any payload: a value or a <see cref="JsonException"/>; the valid one round-trips.</summary>
    private static void FuzzJson<T>(JsonTypeInfo<T> info, T valid)
    {
        var bytes = WireGen.Json(valid, info);
        Assert.Equal(bytes, WireGen.Json(JsonSerializer.Deserialize(bytes, info)!, info));
        WireGen.Payload(bytes).Sample(payload =>
        {
            try
            {
                var value = JsonSerializer.Deserialize(payload, info);
                if (value is not null)
                {
                    _ = WireGen.Json(value, info);
                }
            }
            catch (JsonException)
            {
                // The documented refusal: the handler answers "malformed".
            }
        }, iter: FuzzBudget.Iter(1500));
    }
}
