using Edge.Testing.Architecture;

namespace Edge.Device.Tests.Architecture;

/// <summary>The counter the cycle test relies on finds cycles it should and none where there are none.</summary>
public sealed class FolderCycleCounterTests
{
    [Fact]
    public void The_counter_finds_the_mutual_references_of_this_test_assembly()
    {
        // Fixtures below: Left and Right reference each other, Alone references Left only.
        var counter = new FolderCycleCounter("Edge.Device.Tests.Architecture.Fixtures").Add(typeof(FolderCycleCounterTests).Assembly.Location);

        Assert.Equal(["Left", "Right"], counter.Cycles().Single());
        Assert.Equal(["Left<->Right"], counter.MutualPairs());
        Assert.Contains("Left", counter.Edges["Alone"]);
        Assert.Equal(2, counter.FoldersInCycles);
    }

    [Fact]
    public void A_reference_only_inside_a_method_body_counts()
    {
        var counter = new FolderCycleCounter("Edge.Device.Tests.Architecture.Fixtures").Add(typeof(FolderCycleCounterTests).Assembly.Location);

        Assert.Contains("Alone", counter.Edges["Body"]);
    }
}
