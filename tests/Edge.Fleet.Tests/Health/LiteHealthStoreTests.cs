using Edge.Fleet.Health;

namespace Edge.Fleet.Tests.Health;

public sealed class LiteHealthStoreTests : HealthStoreContract
{
    protected override Task<IHealthStore> CreateStoreAsync() => Task.FromResult<IHealthStore>(new LiteHealthStore(FileIn("health.db")));
}
