using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Edge.Testing.PowerCut;

/// <summary>
/// A folder on which a power cut loses every write not yet fsynced (lazyfs_shim.c, see README.md here).
/// Programs started with <see cref="Environment"/> have the shim preloaded: it journals how to undo each write to a file
/// under <see cref="Folder"/> and forgets the journal at each fsync. After the program is killed, <see cref="CutAsync"/>
/// applies the journals backwards, leaving every file as it was at its last fsync.
/// </summary>
public sealed partial class LazyDisk
{
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static (string Shim, string Cut)? _built;

    private LazyDisk(string folder, string journal, string shim, string cut)
    {
        Folder = folder;
        Journal = journal;
        _shim = shim;
        _cut = cut;
    }

    private readonly string _shim;
    private readonly string _cut;

    /// <summary>The folder whose files lose their un-fsynced writes at a cut.</summary>
    public string Folder { get; }

    /// <summary>Where the undo journals live (outside <see cref="Folder"/>).</summary>
    public string Journal { get; }

    /// <summary>Environment for a program whose writes under <see cref="Folder"/> are to be lazy.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = _shim,
        ["EDGE_LAZY_DIR"] = Folder,
        ["EDGE_LAZY_JOURNAL"] = Journal,
    };

    /// <summary>Makes <paramref name="folder"/> and a journal folder beside it (<c>folder.journal</c>); builds the shim once per source.</summary>
    public static async Task<LazyDisk> CreateAsync(string folder)
    {
        var (shim, cut) = await BuildAsync();
        var journal = Path.GetFullPath(folder).TrimEnd('/') + ".journal";
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(journal);
        return new LazyDisk(Path.GetFullPath(folder), journal, shim, cut);
    }

    /// <summary>
    /// The power cut: every program writing to <see cref="Folder"/> must be dead (killed) already. Discards each write
    /// that no fsync covered and says how much that was.
    /// </summary>
    public async Task<CutResult> CutAsync()
    {
        var output = await ExternalTool.RunAsync(_cut, [Folder, Journal], TimeSpan.FromMinutes(1));
        var summary = SummaryLine().Match(output);
        if (!summary.Success)
        {
            throw new InvalidOperationException("lazyfs-cut printed no summary:\n" + output);
        }

        var files = FileLine().Matches(output).ToDictionary(m => Path.GetRelativePath(Folder, m.Groups[1].Value), m => long.Parse(m.Groups[2].Value));
        return new CutResult(int.Parse(summary.Groups[1].Value), long.Parse(summary.Groups[2].Value), long.Parse(summary.Groups[3].Value), files);
    }

    /// <summary>Compiles the shim and the cut with gcc into the temp folder, cached by the source's hash.</summary>
    private static async Task<(string Shim, string Cut)> BuildAsync()
    {
        await BuildGate.WaitAsync();
        try
        {
            if (_built is { } built)
            {
                return built;
            }

            var source = Path.Combine(RepoPaths.Root, "tests", "Edge.Testing", "PowerCut", "lazyfs_shim.c");
            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source)))[..16];
            var folder = Path.Combine(Path.GetTempPath(), "edge-tests", "lazyfs-" + hash);
            var shim = Path.Combine(folder, "liblazyfs.so");
            var cut = Path.Combine(folder, "lazyfs-cut");
            if (!File.Exists(shim) || !File.Exists(cut))
            {
                // Built beside, then moved: a parallel run never preloads a half-written library.
                var scratch = Path.Combine(folder, Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(scratch);
                string[] warnings = ["-Wall", "-Wextra", "-Werror", "-O2"];
                await ExternalTool.RunAsync("gcc", [.. warnings, "-shared", "-fPIC", "-o", Path.Combine(scratch, "liblazyfs.so"), source, "-ldl", "-lpthread"], TimeSpan.FromMinutes(2));
                await ExternalTool.RunAsync("gcc", [.. warnings, "-DLAZYFS_CUT", "-o", Path.Combine(scratch, "lazyfs-cut"), source], TimeSpan.FromMinutes(2));
                File.Move(Path.Combine(scratch, "liblazyfs.so"), shim, overwrite: true);
                File.Move(Path.Combine(scratch, "lazyfs-cut"), cut, overwrite: true);
                Directory.Delete(scratch);
            }

            _built = (shim, cut);
            return (shim, cut);
        }
        finally
        {
            BuildGate.Release();
        }
    }

    [GeneratedRegex(@"^cut files (\d+) records (\d+) bytes (\d+)$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^file (.+) records \d+ bytes (\d+)$", RegexOptions.Multiline)]
    private static partial Regex FileLine();
}

/// <summary>What a cut discarded: files touched, undo records applied, bytes of changes discarded, bytes per file (relative path).</summary>
public sealed record CutResult(int Files, long Records, long Bytes, IReadOnlyDictionary<string, long> BytesByFile);
