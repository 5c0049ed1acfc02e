using Edge.Fleet.Devices;
using Edge.Fleet.Tests.Health;

namespace Edge.Fleet.Tests.Devices;

public sealed class LitePresenceStoreTests : PresenceStoreContract
{
    protected override Task<IPresenceStore> CreateStoreAsync() => Task.FromResult<IPresenceStore>(new LitePresenceStore(FileIn("presence.db")));
}
