using Edge.DeviceProtocol;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Device.Tests.DeviceProtocol;

/// <summary>The window both the device host's outbox drain and the load generator send through.</summary>
public sealed class SendWindowTests
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_new_connection_sends_after_the_last_ack()
    {
        var window = new SendWindow(acked: 41, maxUnackedEvents: 200, AckTimeout, _time);

        Assert.Equal(SendStep.Send, window.Next(41));
        Assert.Equal(41, window.SentUpTo);
    }

    [Fact]
    public void The_window_is_full_at_max_unacked_and_opens_with_the_ack()
    {
        var window = new SendWindow(0, maxUnackedEvents: 100, AckTimeout, _time);
        window.Next(0);
        window.Sent(50);
        Assert.Equal(SendStep.Send, window.Next(0));
        window.Sent(100);

        Assert.Equal(SendStep.Full, window.Next(0));
        Assert.Equal(AckTimeout / 4, window.Wait(TimeSpan.FromSeconds(1)));

        Assert.Equal(SendStep.Send, window.Next(60));
        Assert.Equal(100, window.SentUpTo);
    }

    [Fact]
    public void No_ack_progress_within_the_timeout_sends_everything_after_the_ack_again()
    {
        var window = new SendWindow(0, maxUnackedEvents: 200, AckTimeout, _time);
        window.Next(0);
        window.Sent(50);
        _time.Advance(AckTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(SendStep.Send, window.Next(20));

        // The ack moved to 20: the timeout runs again from there.
        _time.Advance(AckTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(SendStep.Send, window.Next(20));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(SendStep.Resend, window.Next(20));
        Assert.Equal(20, window.SentUpTo);
        Assert.Equal(SendStep.Send, window.Next(20));
    }

    [Fact]
    public void Nothing_outstanding_never_times_out_and_waits_the_idle_time()
    {
        var window = new SendWindow(30, maxUnackedEvents: 200, AckTimeout, _time);
        _time.Advance(AckTimeout * 5);

        Assert.Equal(SendStep.Send, window.Next(30));
        Assert.Equal(TimeSpan.FromSeconds(1), window.Wait(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void An_ack_beyond_what_this_connection_sent_moves_the_window_on()
    {
        var window = new SendWindow(0, maxUnackedEvents: 200, AckTimeout, _time);
        window.Next(0);
        window.Sent(10);

        Assert.Equal(SendStep.Send, window.Next(75));
        Assert.Equal(75, window.SentUpTo);
    }
}
