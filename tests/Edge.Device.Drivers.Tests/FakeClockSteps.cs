using Microsoft.Extensions.Time.Testing;

namespace Edge.Device.Drivers.Tests;

/// <summary>
/// Moves a <see cref="FakeTimeProvider"/> in small steps, letting the code under test run between them, so that
/// scheduler delays on a busy machine can never stretch a simulated bounce into a "stable" level.
/// </summary>
internal static class FakeClockSteps
{
    private static readonly TimeSpan DefaultStep = TimeSpan.FromMilliseconds(2);

    /// <summary>Advances until <paramref name="done"/>, failing the test after 10 s of real time.</summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider clock, Func<bool> done, TimeSpan? step = null)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < giveUp, "The awaited condition never came true.");
            clock.Advance(step ?? DefaultStep);
            await Task.Delay(1);
        }
    }

    /// <summary>Advances by <paramref name="total"/>.</summary>
    public static async Task AdvanceByAsync(this FakeTimeProvider clock, TimeSpan total, TimeSpan? step = null)
    {
        var s = step ?? DefaultStep;
        for (var done = TimeSpan.Zero; done < total; done += s)
        {
            clock.Advance(s);
            await Task.Delay(1);
        }
    }
}
