using System.Globalization;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// The event store's file compares strings ordinally: code unit by code unit and case-sensitive, as PostgreSQL compares
/// the same keys. LiteDB 5 writes a collation into the header of a file it creates and compares every string index key
/// with it; its default (the current culture, ignoring case) asks ICU at each comparison. A rating put four string keys
/// into indexes (events and ratings <c>_id</c>, ratings <c>counter</c> and <c>device</c>; the last two are gone now), each
/// found with dozens of comparisons: in a profiled drain of 100,000 events those ICU comparisons were about a fifth of the
/// fleet's CPU.
/// </summary>
/// <remarks>
/// LiteDB takes a collation only from a connection string, and only when it creates the file (afterwards only a rebuild
/// changes it). A missing file is therefore created by name, under a temporary name moved into place once complete,
/// before it is opened on its own streams (<see cref="Edge.Storage.LiteFile.Open"/>). A file created before keeps its
/// collation and answers as it did, case-insensitively; it only does not get the speed.
/// </remarks>
internal static class OrdinalCollation
{
    public static Collation Value { get; } = new(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal);

    /// <summary>Creates an empty LiteDB file with <see cref="Value"/> at <paramref name="path"/> unless a file is there.</summary>
    public static void CreateIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var creating = full + ".creating";
        File.Delete(creating);
        using (new LiteDatabase(new ConnectionString { Filename = creating, Connection = ConnectionType.Direct, Collation = Value }))
        {
            // Opening an empty file writes its header, collation included.
        }

        File.Delete(Edge.Storage.LiteFile.LogFileOf(creating));
        using (var created = new FileStream(creating, FileMode.Open, FileAccess.ReadWrite))
        {
            created.Flush(flushToDisk: true);
        }

        File.Move(creating, full);
    }
}
