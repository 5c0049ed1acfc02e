using System.Text;
using System.Text.Json;
using CsCheck;
using Edge.Wire;

namespace Edge.Fleet.Tests.Fuzzing;

/// <summary>Generators of hostile input: any bytes, valid JSON bent out of shape, and events with any field values.</summary>
internal static class WireGen
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Short strings, long ones (past every index limit), multi-byte ones, and null.</summary>
    public static readonly Gen<string?> Text = Gen.OneOf(
        Gen.String[0, 20],
        Gen.Char.AlphaNumeric.Array[0, 3000].Select(c => new string(c)),
        Gen.Const("quầy số 1 – Hồ Chí Minh"),
        Gen.Const(new string('ệ', 600))).Null(0.2);

    public static readonly Gen<long> AnyLong = Gen.OneOf(
        Gen.Long, Gen.Long[-5, 2000], Gen.OneOf<long>(long.MinValue, long.MaxValue, 0L, -1L, long.MaxValue - 1));

    public static readonly Gen<int?> AnyInt = Gen.OneOf(Gen.Int, Gen.Int[-2, 12], Gen.OneOf<int>(int.MinValue, int.MaxValue)).Nullable(0.2);

    public static readonly Gen<DateTimeOffset> AnyTime = Gen.OneOf(
        Gen.Long[-1_000_000_000L, 1_000_000_000L].Select(s => Morning.AddSeconds(s)),
        Gen.OneOf<DateTimeOffset>(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, Morning));

    public static readonly Gen<string> Kind = Gen.OneOf(
        Gen.OneOf<string>(EventKinds.Rating, EventKinds.TicketIssued, EventKinds.TicketCalled, EventKinds.Peripheral, EventKinds.HealthSample, EventKinds.Dropped, "rejected"),
        Gen.String[0, 300]);

    public static readonly Gen<DeviceEvent> Event = Gen.Select(
        Gen.Select(Gen.Long[1, 200], Kind, AnyTime, AnyLong, Text, Gen.Bool.Nullable()),
        Gen.Select(Text, AnyInt, AnyInt, Gen.Bool.Nullable(), Text, Text),
        Gen.Select(Text, Text, Text),
        (a, b, c) => new DeviceEvent
        {
            Seq = a.Item1,
            Kind = a.Item2,
            At = a.Item3,
            UptimeMs = a.Item4,
            Run = a.Item5,
            ClockSynced = a.Item6,
            Counter = b.Item1,
            Level = b.Item2,
            Scale = b.Item3,
            Suspect = b.Item4,
            Ticket = b.Item5,
            Field = b.Item6,
            Subject = c.Item1,
            State = c.Item2,
            Detail = c.Item3,
        });

    /// <summary>A valid payload's bytes with some bytes overwritten, cut or duplicated: mostly near-JSON.</summary>
    public static Gen<byte[]> Mutated(byte[] valid) => Gen.Select(Gen.Int[0, 3], Gen.Int[0, Math.Max(0, valid.Length - 1)], Gen.Byte.Array[1, 8])
        .Select(m =>
        {
            var at = Math.Min(m.Item2, valid.Length);
            return m.Item1 switch
            {
                0 => valid[..at],
                1 => [.. valid[..at], .. m.Item3, .. valid[Math.Min(valid.Length, at + m.Item3.Length)..]],
                2 => [.. valid[..at], .. m.Item3, .. valid[at..]],
                _ => [.. valid, .. valid[at..]],
            };
        });

    /// <summary>Random bytes, mutated valid payloads, and JSON values of the wrong shape.</summary>
    public static Gen<byte[]> Payload(params byte[][] valid)
    {
        IGen<byte[]>[] gens =
        [
            Gen.Byte.Array[0, 400],
            Gen.String[0, 200].Select(s => Encoding.UTF8.GetBytes(s)),
            Gen.OneOf<string>("null", "[]", "{}", "1", "\"x\"", "{\"a\":{\"a\":{\"a\":[[[[[]]]]]}}}", "{\"at\":\"not a date\"}").Select(s => Encoding.UTF8.GetBytes(s)),
            .. valid.Select(Mutated),
        ];
        return Gen.OneOf(gens);
    }

    public static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(value, info);
}
