using Edge.Fleet.Devices;
using Edge.Testing;

namespace Edge.Fleet.Tests.Devices;

public sealed class LitePresenceStoreTests : PresenceStoreContract
{
    private readonly TempFolder _folder = new("lite-presence");

    protected override Task<IPresenceStore> CreateStoreAsync() => Task.FromResult<IPresenceStore>(new LitePresenceStore(_folder["presence.db"]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
