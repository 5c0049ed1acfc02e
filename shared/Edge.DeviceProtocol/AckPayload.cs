using System.Buffers;
using System.Text.Json;
using Edge.Wire;

namespace Edge.DeviceProtocol;

/// <summary>Reads the fleet's ack, <c>edge/v1/{device}/ack {"upTo":N}</c>: the highest contiguous seq durably stored.</summary>
public static class AckPayload
{
    /// <summary>False, with the reason in <paramref name="error"/>, for a payload that is not an ack with upTo ≥ 0.</summary>
    public static bool TryRead(ReadOnlySequence<byte> payload, out long upTo, out string error)
    {
        upTo = -1;
        Ack? ack;
        try
        {
            var reader = new Utf8JsonReader(payload);
            ack = JsonSerializer.Deserialize(ref reader, WireJson.Default.Ack);
        }
        catch (JsonException ex)
        {
            error = $"malformed: {ex.Message}";
            return false;
        }

        if (ack is null || ack.UpTo < 0)
        {
            error = "without a valid upTo";
            return false;
        }

        upTo = ack.UpTo;
        error = "";
        return true;
    }
}
