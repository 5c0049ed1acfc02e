using System.Buffers;
using System.Text;
using Edge.DeviceProtocol;

namespace Edge.Device.Tests.DeviceProtocol;

public sealed class AckPayloadTests
{
    [Fact]
    public void An_ack_gives_its_up_to()
    {
        Assert.True(AckPayload.TryRead(Bytes("""{"upTo":1234}"""), out var upTo, out var error));
        Assert.Equal(1234, upTo);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("""{"upTo":-1}""", "without a valid upTo")]
    [InlineData("null", "without a valid upTo")]
    [InlineData("""{"upTo":"many"}""", "malformed")]
    [InlineData("not json", "malformed")]
    public void Anything_else_is_refused_with_the_reason(string payload, string reason)
    {
        Assert.False(AckPayload.TryRead(Bytes(payload), out var upTo, out var error));
        Assert.Equal(-1, upTo);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
}
