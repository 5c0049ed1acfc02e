using Edge.Device.Configuration;
using Edge.Device.Queue;

namespace Edge.Device.Tests.Queue;

public sealed class QueueOptionsTests
{
    [Fact]
    public void Defaults_are_valid() => Assert.Empty(new QueueOptions().Validate());

    [Fact]
    public void A_pin_used_twice_and_an_unknown_time_zone_are_named()
    {
        var options = new QueueOptions
        {
            TimeZone = "Mars/Olympus",
            CallNextPin = 17,
            Fields = [new QueueFieldOptions { Name = "Đất đai", Prefix = "B", Pin = 17 }],
        };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("Queue:TimeZone", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pin 17", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_role_is_named() =>
        Assert.Contains("Device:Role", Assert.Single(new DeviceRoleOptions { Role = "hub" }.Validate()), StringComparison.Ordinal);

    [Fact]
    public void A_transfer_naming_both_or_neither_target_and_a_priority_pin_used_twice_are_named()
    {
        var options = new QueueOptions
        {
            Fields = [new QueueFieldOptions { Name = "Đất đai", Prefix = "B", Pin = 17, PriorityPin = 26 }],
            Transfers = [new QueueTransferOptions { Pin = 20, ToCounter = "2", ToField = "Đất đai" }, new QueueTransferOptions { Pin = 21 }],
            PriorityMarker = "Ư",
        };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("Queue:Transfers:0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Queue:Transfers:1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pin 26", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Queue:PriorityMarker", StringComparison.Ordinal));
    }
}
