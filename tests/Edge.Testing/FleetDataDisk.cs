using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// The fleet's data folder on a disk of its own that a test or the soak can fill: a tmpfs of a fixed size mounted by it
/// (it must run as root). Filling writes a ballast file until the kernel answers "No space left on device"; freeing
/// deletes it. When the mount is refused the folder stays on the ordinary disk and <see cref="Unavailable"/> says why
/// (the disk-full fault is then skipped, or the test fails, with that reason; never faked).
/// </summary>
public sealed class FleetDataDisk : IDisposable
{
    private const string BallastName = "soak-ballast.bin";

    private FleetDataDisk(string path, string? unavailable)
    {
        Path = path;
        Unavailable = unavailable;
    }

    public string Path { get; }

    /// <summary>Why the disk cannot be filled (not mounted), or null when it can.</summary>
    public string? Unavailable { get; }

    private string Ballast => System.IO.Path.Combine(Path, BallastName);

    /// <summary>The data folder on the ordinary disk, never filled (<paramref name="reason"/> says why).</summary>
    public static FleetDataDisk Plain(string path, string reason)
    {
        Directory.CreateDirectory(path);
        return new FleetDataDisk(path, reason);
    }

    /// <summary>Creates <paramref name="path"/> and mounts a tmpfs of <paramref name="mib"/> MiB on it, if the system lets us.</summary>
    public static async Task<FleetDataDisk> MountAsync(string path, long mib)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux())
        {
            return new FleetDataDisk(path, "not Linux: no tmpfs to fill");
        }

        var (exit, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={mib}m,mode=0755", "soak-fleet-data", path);
        return exit == 0
            ? new FleetDataDisk(path, null)
            : new FleetDataDisk(path, $"mount -t tmpfs refused (exit {exit}: {output.Trim()}); run the soak as root to inject disk-full");
    }

    /// <summary>Bytes in the data folder, the ballast left out.</summary>
    public long DataBytes() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
            .Where(f => System.IO.Path.GetFileName(f) != BallastName)
            .Sum(f => Length(f));

    /// <summary>Writes the ballast until the disk is full; returns its size.</summary>
    public async Task<long> FillAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[1 << 20];
        Random.Shared.NextBytes(chunk);
        long written = 0;
        await using var ballast = new FileStream(Ballast, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1 << 16, FileOptions.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await ballast.WriteAsync(chunk, cancellationToken);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, which is the point. What was partly written stays in the file.
        }

        try
        {
            await ballast.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
        }

        return Math.Max(written, Length(Ballast));
    }

    /// <summary>Deletes the ballast: the disk has room again.</summary>
    public void Free() => File.Delete(Ballast);

    /// <summary>Unmounts the tmpfs (call after every process using it has ended).</summary>
    public void Dispose()
    {
        if (Unavailable is not null)
        {
            return;
        }

        var (exit, _) = RunAsync("umount", Path).GetAwaiter().GetResult();
        if (exit != 0)
        {
            // Something still holds a file open for a moment: detach now, freed when it lets go.
            RunAsync("umount", "-l", Path).GetAwaiter().GetResult();
        }
    }

    private static long Length(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var error = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output + await error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
