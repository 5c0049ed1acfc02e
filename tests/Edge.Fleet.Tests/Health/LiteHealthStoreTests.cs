using Edge.Fleet.Health;
using Edge.Testing;

namespace Edge.Fleet.Tests.Health;

public sealed class LiteHealthStoreTests : HealthStoreContract
{
    private readonly TempFolder _folder = new("lite-health");

    protected override Task<IHealthStore> CreateStoreAsync() => Task.FromResult<IHealthStore>(new LiteHealthStore(_folder["health.db"]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
