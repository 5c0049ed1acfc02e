using Edge.Fleet.Audit;
using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Store.Changes;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Registry;

/// <summary>Provisioning and the broker's accounts: a secret is handed out only once the broker knows it.</summary>
public sealed class ClaimCodeIssuerTests : IDisposable
{
    private readonly TempFolder _folder = new("claim-issuer");
    private readonly RegistryFile _db;
    private readonly RecordingBrokerAccounts _accounts = new();
    private readonly DeviceRegistry _registry;
    private readonly ClaimCodeIssuer _issuer;

    public ClaimCodeIssuerTests()
    {
        _db = new RegistryFile(_folder[RegistryFile.FileName]);
        var time = TimeProvider.System;
        _registry = new DeviceRegistry(new LiteDeviceStore(_db), new InProcessChangeFeed(), time, NullLogger<DeviceRegistry>.Instance);
        var audit = new AuditRecorder(new LiteAuditStore(_db), time, NullLogger<AuditRecorder>.Instance);
        _issuer = new ClaimCodeIssuer(new LiteEnrolmentStore(_db), _registry, audit, _accounts, time,
            Options.Create(new ProvisioningOptions()), NullLogger<ClaimCodeIssuer>.Instance);
    }

    public void Dispose()
    {
        _db.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task The_broker_gets_the_secret_before_it_is_returned()
    {
        var code = (await _issuer.CreateAsync(new EnrolmentRequest("c1", "1", DeviceId: "dev-1"), "tech", null, CancellationToken.None)).Code;

        var result = await _issuer.RedeemAsync(code, CancellationToken.None);

        Assert.Equal([("grant", "dev-1", result.Secret)], _accounts.Calls);
        Assert.NotNull(_registry.Authenticate("dev-1", result.Secret));
    }

    [Fact]
    public async Task A_broker_that_refuses_the_account_leaves_no_device_and_the_code_usable()
    {
        await RegisterAsync("dev-old");
        var code = (await _issuer.CreateAsync(new EnrolmentRequest("c1", "1", DeviceId: "dev-new"), "tech", "dev-old", CancellationToken.None)).Code;
        _accounts.Refuse = true;

        var refused = await _issuer.RedeemAsync(code, CancellationToken.None);

        Assert.Equal(RedeemRefusal.BrokerUnavailable, refused.Refusal);
        Assert.Null(refused.Secret);
        Assert.Null(_registry.Find("dev-new"));
        Assert.Equal(DeviceStates.Active, _registry.Find("dev-old")!.Status);
        await _registry.ReloadAsync(CancellationToken.None);
        Assert.Null(_registry.Find("dev-new"));
        Assert.Equal(DeviceStates.Active, _registry.Find("dev-old")!.Status);

        _accounts.Refuse = false;
        var redeemed = await _issuer.RedeemAsync(code, CancellationToken.None);
        Assert.Null(redeemed.Refusal);
        Assert.Equal(DeviceStates.ReplacedBy, _registry.Find("dev-old")!.Status);
        Assert.Contains(("demote", "dev-old", null), _accounts.Calls);
    }

    private async Task RegisterAsync(string id)
    {
        var code = (await _issuer.CreateAsync(new EnrolmentRequest("c1", "1", DeviceId: id), "tech", null, CancellationToken.None)).Code;
        Assert.Null((await _issuer.RedeemAsync(code, CancellationToken.None)).Refusal);
    }

    private sealed class RecordingBrokerAccounts : IBrokerAccounts
    {
        public List<(string Call, string Device, string? Secret)> Calls { get; } = [];

        public bool Refuse { get; set; }

        public Task GrantAsync(string deviceId, string role, string secret, CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                throw new IOException("broker unreachable");
            }

            Calls.Add(("grant", deviceId, secret));
            return Task.CompletedTask;
        }

        public Task RevokeAsync(string deviceId, CancellationToken cancellationToken)
        {
            Calls.Add(("revoke", deviceId, null));
            return Task.CompletedTask;
        }

        public Task DemoteAsync(string deviceId, CancellationToken cancellationToken)
        {
            Calls.Add(("demote", deviceId, null));
            return Task.CompletedTask;
        }
    }
}
