using Edge.Fleet.Commands;
using Edge.Testing;

namespace Edge.Fleet.Tests.Commands;

/// <summary>The command-store contract on LiteDB.</summary>
public sealed class LiteCommandStoreTests : CommandStoreContract
{
    private readonly TempFolder _folder = new("command-store");

    protected override Task<ICommandStore> CreateStoreAsync() =>
        Task.FromResult<ICommandStore>(new LiteCommandStore(_folder[LiteCommandStore.FileName]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_command_is_still_there_after_reopening_the_file()
    {
        await AddAsync(Command("c1"));
        await base.DisposeAsync();

        using var reopened = new LiteCommandStore(_folder[LiteCommandStore.FileName]);

        Assert.Equal(CommandStates.Pending, (await reopened.FindAsync("c1", CancellationToken.None))?.State);
    }
}
