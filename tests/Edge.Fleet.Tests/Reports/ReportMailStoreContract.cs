using Edge.Fleet.Reports;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Reports;

/// <summary>What both report-mail ledgers must do: one report to one person is sent once, whoever claims it.</summary>
public abstract class ReportMailStoreContract : StoreContractBase<IReportMailStore>
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 30, 0, 5, 0, TimeSpan.Zero);
    protected static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    protected const string Mail = "centre-1/week/2026-11-23/lan";

    [Fact]
    public async Task A_mail_is_claimed_once_until_its_claim_expires_and_never_again_once_sent()
    {
        Assert.True(await Store.TryClaimAsync(Mail, Now, ClaimFor, 10, CancellationToken.None));
        Assert.False(await Store.TryClaimAsync(Mail, Now.AddSeconds(30), ClaimFor, 10, CancellationToken.None));

        // The claimer died before it said anything: the claim expires and another round takes it.
        Assert.True(await Store.TryClaimAsync(Mail, Now.AddMinutes(3), ClaimFor, 10, CancellationToken.None));
        await Store.MarkSentAsync(Mail, Now.AddMinutes(3), CancellationToken.None);

        Assert.False(await Store.TryClaimAsync(Mail, Now.AddDays(1), ClaimFor, 10, CancellationToken.None));
        var row = Assert.Single(await Store.ListAsync(10, CancellationToken.None));
        Assert.Equal((Mail, ReportMailStates.Sent, 2), (row.Id, row.State, row.Attempts));
        Assert.Equal(Now.AddMinutes(3), row.SentAt);
    }

    [Fact]
    public async Task A_failed_send_is_claimable_again_at_once_until_the_last_attempt()
    {
        Assert.True(await Store.TryClaimAsync(Mail, Now, ClaimFor, 2, CancellationToken.None));
        await Store.MarkNotSentAsync(Mail, "451 try later", final: false, CancellationToken.None);
        Assert.True(await Store.TryClaimAsync(Mail, Now.AddSeconds(1), ClaimFor, 2, CancellationToken.None));
        await Store.MarkNotSentAsync(Mail, "451 try later", final: true, CancellationToken.None);

        Assert.False(await Store.TryClaimAsync(Mail, Now.AddDays(1), ClaimFor, 5, CancellationToken.None));
        var row = Assert.Single(await Store.ListAsync(10, CancellationToken.None));
        Assert.Equal((ReportMailStates.Failed, 2, "451 try later"), (row.State, row.Attempts, row.LastError));
    }

    [Fact]
    public async Task A_dead_letter_is_retried_with_its_attempts_reset_and_only_a_failed_one()
    {
        Assert.False(await Store.RetryFailedAsync(Mail, CancellationToken.None));
        Assert.True(await Store.TryClaimAsync(Mail, Now, ClaimFor, 1, CancellationToken.None));
        Assert.False(await Store.RetryFailedAsync(Mail, CancellationToken.None));
        await Store.MarkNotSentAsync(Mail, "550 no such user", final: true, CancellationToken.None);
        var failed = Assert.Single(await Store.ListAsync(10, CancellationToken.None));
        Assert.Equal(("lan", Now), (failed.Person, failed.CreatedAt));

        Assert.True(await Store.RetryFailedAsync(Mail, CancellationToken.None));
        var pending = Assert.Single(await Store.ListAsync(10, CancellationToken.None));
        Assert.Equal((ReportMailStates.Pending, 0), (pending.State, pending.Attempts));
        Assert.True(await Store.TryClaimAsync(Mail, Now.AddMinutes(1), ClaimFor, 1, CancellationToken.None));
        await Store.MarkSentAsync(Mail, Now.AddMinutes(1), CancellationToken.None);
        Assert.False(await Store.RetryFailedAsync(Mail, CancellationToken.None));
        Assert.Equal(ReportMailStates.Sent, Assert.Single(await Store.ListAsync(10, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Mails_of_other_people_and_periods_are_claimed_on_their_own()
    {
        Assert.True(await Store.TryClaimAsync(Mail, Now, ClaimFor, 10, CancellationToken.None));
        Assert.True(await Store.TryClaimAsync("centre-1/week/2026-11-23/minh", Now, ClaimFor, 10, CancellationToken.None));
        Assert.True(await Store.TryClaimAsync("centre-1/month/2026-11-01/lan", Now, ClaimFor, 10, CancellationToken.None));
        Assert.Equal(3, (await Store.ListAsync(10, CancellationToken.None)).Count);
    }
}

public sealed class LiteReportMailStoreTests : ReportMailStoreContract
{
    protected override Task<IReportMailStore> CreateStoreAsync() => Task.FromResult<IReportMailStore>(new LiteReportMailStore(FileIn("report-mails.db")));
}

public sealed class PostgresReportMailStoreTests(PostgresServerFixture postgres) : ReportMailStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IReportMailStore> CreateStoreAsync() => new PostgresReportMailStore(await MigratedDatabaseAsync(postgres));

    [Fact]
    public async Task Two_nodes_claiming_the_same_mail_at_once_one_gets_it()
    {
        var other = new PostgresReportMailStore(SecondNode());
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? Store : other).TryClaimAsync(Mail, Now, ClaimFor, 10, CancellationToken.None)));

        Assert.Single(claims, c => c);
    }
}
