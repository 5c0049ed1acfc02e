using Edge.Device.Queue;
using Edge.Testing;

namespace Edge.Device.Tests.Queue;

public sealed class TicketNumberingTests : IDisposable
{
    private static readonly TimeZoneInfo Hanoi = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    private readonly TempFolder _folder = new("numbering");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(7)));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Each_field_counts_on_its_own_from_the_kiosks_block()
    {
        var numbering = Open(first: 500, last: 999);

        Assert.Equal("A500", numbering.Next("A").Number);
        Assert.Equal("A501", numbering.Next("A").Number);
        Assert.Equal("B500", numbering.Next("B").Number);
        Assert.Equal(2, numbering.IssuedToday("A"));
    }

    [Fact]
    public void Numbers_are_padded_to_the_width_of_the_last_number()
    {
        var numbering = Open(first: 1, last: 4999);

        Assert.Equal("C0001", numbering.Next("C").Number);
    }

    [Fact]
    public void Numbering_restarts_at_local_midnight_not_utc_midnight()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.FromHours(7)));
        var numbering = Open();
        numbering.Next("A");
        var late = numbering.Next("A");

        // 00:30 in Hà Nội is still 23 November in UTC.
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 0, 30, 0, TimeSpan.FromHours(7)));
        var next = numbering.Next("A");

        Assert.Equal(new IssuedNumber("2026-11-23", "A002"), late);
        Assert.Equal(new IssuedNumber("2026-11-24", "A001"), next);
    }

    [Fact]
    public void A_clock_that_falls_back_before_ntp_never_restarts_the_day()
    {
        var numbering = Open();
        numbering.Next("A");

        // A Pi without RTC boots in 1970 until NTP syncs: numbering continues in the last day, no duplicate. (The
        // restarted host has a clock of its own; FakeTimeProvider never moves back.)
        var reopened = Open(clock: new FakeTimeProvider(DateTimeOffset.UnixEpoch));

        Assert.Equal(new IssuedNumber("2026-11-23", "A002"), reopened.Next("A"));
    }

    [Fact]
    public void Numbers_survive_a_restart()
    {
        Open().Next("A");
        Open().Next("A");

        Assert.Equal("A003", Open().Next("A").Number);
    }

    [Fact]
    public void A_used_up_block_refuses_rather_than_repeating()
    {
        var numbering = Open(first: 1, last: 2);
        numbering.Next("A");
        numbering.Next("A");

        Assert.Throws<InvalidOperationException>(() => numbering.Next("A"));
    }

    private TicketNumbering Open(int first = 1, int last = 999, TimeProvider? clock = null) =>
        new(_folder["numbers.json"], clock ?? _clock, Hanoi, first, last);
}
