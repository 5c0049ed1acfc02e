using Edge.Device.Outbox;
using Edge.Storage;
using Edge.Testing;
using LiteDB;

namespace Edge.Device.Tests.Outbox;

/// <summary>A LiteDB log stream (shared/Edge.Storage) against a real LiteDB 5 commit: the page format it relies on, and its fsync count.</summary>
public sealed class OrderedLogStreamTests : IDisposable
{
    private readonly TempFolder _folder = new("ordered-log");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_small_commit_costs_two_fsyncs_of_the_log_and_is_read_back_after_a_reopen_without_checkpoint()
    {
        var path = _folder["outbox.db"];
        long before, after;
        using (var db = (OrderedLiteFile)LiteFile.Open(path, "events"))
        {
            var events = db.GetCollection("events");
            LiteFile.Commit(db, () => events.Insert(new BsonDocument { ["_id"] = 1L, ["json"] = "warm-up" }));
            before = db.Log.Syncs;
            for (var i = 2; i <= 11; i++)
            {
                LiteFile.Commit(db, () => events.Insert(new BsonDocument { ["_id"] = (long)i, ["json"] = new string('x', 200) }));
            }

            after = db.Log.Syncs;
        }

        // At most two per commit (the transaction's pages, then its confirming page; one when the confirming page is
        // the first written since the last fsync), never none: none would mean the confirmation flag is not where
        // OrderedLogStream looks for it (another LiteDB page format), and a commit would never reach the disk.
        Assert.InRange(after - before, 10, 20);
        using var reopened = LiteFile.Open(path);
        Assert.Equal(11, reopened.GetCollection("events").Count());
    }

    [Fact]
    public void Pages_that_no_confirming_page_follows_are_not_fsynced()
    {
        using var stream = new OrderedLogStream(new FileStream(_folder["log"], FileMode.Create, FileAccess.ReadWrite));
        var page = new byte[OrderedLogStream.PageSize];

        stream.Write(page, 0, page.Length);
        stream.Flush();
        Assert.Equal(0, stream.Syncs);

        page[OrderedLogStream.ConfirmedOffset] = 1;
        stream.Write(page, 0, page.Length);
        Assert.Equal(1, stream.Syncs);
        stream.Flush();
        Assert.Equal(2, stream.Syncs);
    }
}
