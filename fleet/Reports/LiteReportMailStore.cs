using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;

namespace Edge.Fleet.Reports;

/// <summary><see cref="IReportMailStore"/> in <c>{Fleet:DataDir}/report-mails.db</c> (one node: the file's lock orders claims).</summary>
public sealed class LiteReportMailStore(string path, StoreOutages? outages = null) : IReportMailStore, IDisposable
{
    private const string MailsCollection = "mails";

    private readonly ReopeningLiteFile<ILiteCollection<BsonDocument>> _file =
        new("report-mails", path, [MailsCollection], db => db.GetCollection(MailsCollection), outages);

    public Task<bool> TryClaimAsync(string mailId, DateTimeOffset now, TimeSpan claimFor, int maxAttempts, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(mails =>
        {
            var row = mails.FindById(mailId);
            if (row is not null && (row["state"].AsString is ReportMailStates.Sent or ReportMailStates.Failed
                || row["claimedUntil"].AsDateTime.ToUniversalTime() > now.UtcDateTime || row["attempts"].AsInt32 >= maxAttempts))
            {
                return false;
            }

            mails.Upsert(new BsonDocument
            {
                ["_id"] = mailId,
                ["state"] = ReportMailStates.Sending,
                ["attempts"] = (row?["attempts"].AsInt32 ?? 0) + 1,
                ["claimedUntil"] = (now + claimFor).UtcDateTime,
                ["createdAt"] = row?["createdAt"] ?? now.UtcDateTime,
            });
            return true;
        }));

    public Task MarkSentAsync(string mailId, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(mails => Update(mails, mailId, row =>
        {
            row["state"] = ReportMailStates.Sent;
            row["sentAt"] = at.UtcDateTime;
        })));

    public Task MarkNotSentAsync(string mailId, string error, bool final, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(mails => Update(mails, mailId, row =>
        {
            row["state"] = final ? ReportMailStates.Failed : ReportMailStates.Pending;
            row["claimedUntil"] = DateTime.MinValue;
            row["lastError"] = error;
        })));

    public Task<IReadOnlyList<ReportMailRecord>> ListAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReportMailRecord>>(_file.Read(mails => mails.FindAll()
            .OrderByDescending(d => d["createdAt"].AsDateTime)
            .Take(limit)
            .Select(d => new ReportMailRecord(
                d["_id"].AsString, d["state"].AsString, d["attempts"].AsInt32,
                new DateTimeOffset(DateTime.SpecifyKind(d["claimedUntil"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc)),
                d["sentAt"].IsNull ? null : new DateTimeOffset(d["sentAt"].AsDateTime.ToUniversalTime()),
                d["lastError"].IsNull ? null : d["lastError"].AsString)
            {
                CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(d["createdAt"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc)),
            })
            .ToList()));

    public Task<bool> RetryFailedAsync(string mailId, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(mails => mails.FindById(mailId) is { } row && row["state"].AsString == ReportMailStates.Failed
            && Update(mails, mailId, r =>
            {
                r["state"] = ReportMailStates.Pending;
                r["attempts"] = 0;
                r["claimedUntil"] = DateTime.MinValue;
            })));

    public void Dispose() => _file.Dispose();

    private static bool Update(ILiteCollection<BsonDocument> mails, string mailId, Action<BsonDocument> change)
    {
        if (mails.FindById(mailId) is not { } row)
        {
            return false;
        }

        change(row);
        return mails.Update(row);
    }
}
