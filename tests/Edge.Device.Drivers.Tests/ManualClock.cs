namespace Edge.Device.Drivers.Tests;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when the test says so, so that scheduler delays on a busy
/// machine can never stretch a simulated bounce into a "stable" level.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<Timer> _timers = new();
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward and runs the timers that fell due.</summary>
    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_gate)
        {
            _now += by.Ticks;
            due = _timers.Where(t => t.DueAt <= _now).ToList();
            foreach (var t in due)
            {
                if (t.Period > 0)
                {
                    t.DueAt += t.Period;
                }
                else
                {
                    _timers.Remove(t);
                }
            }
        }

        foreach (var t in due)
        {
            t.Fire();
        }
    }

    /// <summary>Advances in small steps, letting the code under test run between them, until <paramref name="done"/> or 10 s of real time.</summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan? step = null)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < giveUp, "The awaited condition never came true.");
            Advance(step ?? TimeSpan.FromMilliseconds(2));
            await Task.Delay(1);
        }
    }

    /// <summary>Advances by <paramref name="total"/> in small steps, letting the code under test run between them.</summary>
    public async Task AdvanceByAsync(TimeSpan total, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromMilliseconds(2);
        for (var done = TimeSpan.Zero; done < total; done += s)
        {
            Advance(s);
            await Task.Delay(1);
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt;
        public long Period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                DueAt = clock._now + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                clock._timers.Add(this);
            }

            if (dueTime == TimeSpan.Zero)
            {
                clock.Advance(TimeSpan.Zero);
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
