using Edge.Fleet.Releases;

namespace Edge.Fleet.Tests.Releases;

public sealed class StagePlannerTests
{
    private static readonly string[] TenDevices = Enumerable.Range(1, 10).Select(i => $"d{i}").ToArray();

    [Fact]
    public void Canaries_go_first_then_the_rest_by_cumulative_percentages()
    {
        var stages = StagePlanner.Plan(TenDevices, ["d7"], [30, 60, 100]);

        Assert.Equal(["d7"], stages[0]);
        Assert.Equal(["d1", "d2"], stages[1]);           // up to 30% of 10 = 3 with the canary
        Assert.Equal(["d3", "d4", "d5"], stages[2]);     // up to 60%
        Assert.Equal(["d6", "d8", "d9", "d10"], stages[3]);
        Assert.Equal(10, stages.Sum(s => s.Count));
    }

    [Fact]
    public void Without_percentages_everything_after_the_canaries_is_one_stage()
    {
        var stages = StagePlanner.Plan(TenDevices, ["d1", "d2"], null);

        Assert.Equal(2, stages.Count);
        Assert.Equal(8, stages[1].Count);
    }

    [Fact]
    public void A_small_percentage_still_takes_one_device_and_the_last_stage_takes_the_rest()
    {
        var stages = StagePlanner.Plan(TenDevices, null, [1, 20]);

        Assert.Equal(["d1"], stages[0]);
        Assert.Equal(["d2"], stages[1]);
        Assert.Equal(8, stages[2].Count);
    }

    [Theory]
    [InlineData(new string[0], null, "at least one device")]
    [InlineData(new[] { "a/b" }, null, "device ids")]
    [InlineData(new[] { "a" }, "b", "among the devices")]
    public void A_malformed_request_is_refused_with_a_reason(string[] devices, string? canary, string expected)
    {
        Assert.Contains(expected, StagePlanner.Problem(devices, canary is null ? null : [canary], null));
    }

    [Fact]
    public void Percentages_must_rise()
    {
        Assert.Contains("rise strictly", StagePlanner.Problem(["a"], null, [50, 20]));
        Assert.Null(StagePlanner.Problem(["a"], null, [10, 50, 100]));
    }
}
