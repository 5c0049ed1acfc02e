using Edge.Fleet.Queue;
using Edge.Testing;

namespace Edge.Fleet.Tests.Queue;

/// <summary>The queue store contract on the embedded LiteDB file, plus what only a file of this node has to show.</summary>
public sealed class LiteQueueStoreTests : QueueStoreContract
{
    private readonly TempFolder _folder = new("lite-queue");

    protected override Task<IQueueStore> CreateStoreAsync() => Task.FromResult<IQueueStore>(new LiteQueueStore(_folder[LiteQueueStore.FileName]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task After_reopening_the_file_calls_continue_in_order_and_a_resend_gets_the_same_answer()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var request = Request("1");
        var first = await CallAsync(Store, "c1", request);
        await base.DisposeAsync();

        using var reopened = new LiteQueueStore(_folder[LiteQueueStore.FileName]);

        Assert.Equal(first, await CallAsync(reopened, "c1", request));
        Assert.Equal("A002", (await CallAsync(reopened, "c1", Request("1"))).Ticket);
        var tickets = await reopened.TicketsAsync(Centre, Today, CancellationToken.None);
        Assert.Equal([1L, 2L], tickets.Select(t => t.CallOrder));
    }
}
