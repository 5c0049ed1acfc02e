using Edge.Testing;
using Edge.Testing.PowerCut;

namespace Edge.EndToEnd.Tests.PowerCut;

/// <summary>
/// The power-cut disk itself: a cut must leave each file exactly as its last fsync left it. A disk that buffered
/// nothing (or discarded everything) would make every other power-cut test meaningless, so it is shown here first with
/// ordinary programs (dd, truncate, sh) that write, fsync some of it, and are killed.
/// </summary>
public sealed class LazyDiskTests : IDisposable
{
    private readonly TempFolder _folder = new("lazydisk");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_cut_keeps_what_was_fsynced_and_discards_every_later_write_truncate_and_append()
    {
        var disk = await LazyDisk.CreateAsync(_folder["lazy"]);
        var file = Path.Combine(disk.Folder, "data");
        await WriteSourceAsync("durable", "durable-0123456789");
        await WriteSourceAsync("patch", "XYZ");

        await RunAsync(disk, "dd", $"if={_folder["durable"]} of={file} conv=fsync status=none");
        await RunAsync(disk, "dd", $"if={_folder["patch"]} of={file} bs=1 seek=3 conv=notrunc status=none");
        await RunAsync(disk, "truncate", $"-s 100 {file}");
        await KilledWhileSleepingAsync(disk, $"echo appended >> {file}; echo created > {Path.Combine(disk.Folder, "new")}");

        // Until the cut, every write is visible (the page cache); closing and exiting made none of them durable.
        var before = await File.ReadAllBytesAsync(file);
        Assert.Equal(109, before.Length);
        Assert.Equal("durXYZe-0123456789", System.Text.Encoding.ASCII.GetString(before, 0, 18));

        var cut = await disk.CutAsync();

        Assert.Equal("durable-0123456789", await File.ReadAllTextAsync(file));
        Assert.Equal(0, new FileInfo(Path.Combine(disk.Folder, "new")).Length);
        Assert.Equal(2, cut.Files);
        Assert.True(cut.Bytes >= 91, $"the cut discarded {cut.Bytes} bytes");
    }

    [Fact]
    public async Task Fdatasync_makes_writes_durable_and_files_outside_the_folder_are_left_alone()
    {
        var disk = await LazyDisk.CreateAsync(_folder["lazy"]);
        var file = Path.Combine(disk.Folder, "data");
        var outside = _folder["outside"];
        await WriteSourceAsync("first", "first");
        await WriteSourceAsync("second", "second");

        await RunAsync(disk, "dd", $"if={_folder["first"]} of={file} conv=fsync status=none");
        await RunAsync(disk, "dd", $"if={_folder["second"]} of={file} oflag=append conv=notrunc,fdatasync status=none");
        await RunAsync(disk, "dd", $"if={_folder["second"]} of={outside} status=none");
        await KilledWhileSleepingAsync(disk, $"echo lost >> {file}");

        var cut = await disk.CutAsync();

        Assert.Equal("firstsecond", await File.ReadAllTextAsync(file));
        Assert.Equal("second", await File.ReadAllTextAsync(outside));
        Assert.Equal(1, cut.Files);
    }

    [Fact]
    public async Task A_write_never_fsynced_is_visible_until_the_cut_and_a_second_cut_changes_nothing()
    {
        var disk = await LazyDisk.CreateAsync(_folder["lazy"]);
        var file = Path.Combine(disk.Folder, "data");
        await WriteSourceAsync("content", "content");

        await RunAsync(disk, "dd", $"if={_folder["content"]} of={file} status=none");
        Assert.Equal("content", await File.ReadAllTextAsync(file));

        var first = await disk.CutAsync();
        var second = await disk.CutAsync();

        Assert.Equal(0, new FileInfo(file).Length);
        Assert.Equal(1, first.Files);
        Assert.Equal(0, second.Files);
    }

    private Task WriteSourceAsync(string name, string content) => File.WriteAllTextAsync(_folder[name], content);

    private static async Task RunAsync(LazyDisk disk, string program, string args)
    {
        using var process = ChildProcess.Start(program, program, args.Split(' '), disk.Folder, disk.Environment.ToDictionary());
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Runs a shell that writes, then sleeps until it is SIGKILLed (the program dies with writes pending).</summary>
    private static async Task KilledWhileSleepingAsync(LazyDisk disk, string script)
    {
        var done = Path.Combine(Path.GetDirectoryName(disk.Folder)!, "written-" + Guid.NewGuid().ToString("N"));
        using var shell = ChildProcess.Start("sh", "sh", ["-c", $"{script}; : > {done}; exec sleep 60"], disk.Folder, disk.Environment.ToDictionary());
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(done)), TimeSpan.FromSeconds(30), "the shell to write");
        shell.Kill();
    }
}
