using System.Runtime.InteropServices;

namespace Edge.Storage;

/// <summary>
/// Replaces a small file so that after a power cut it holds either the old or the new content, never a mix:
/// writes a temporary file beside it, fsyncs it, renames it over the target, then fsyncs the folder so the rename
/// itself is on disk (on Linux a rename lives in the directory, which a file's fsync does not flush).
/// </summary>
public static class AtomicFile
{
    private const int ReadOnly = 0;

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        var temp = full + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        SyncFolder(folder);
    }

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    public static byte[]? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    /// <summary>fsync of a directory; .NET cannot open one as a file, so through libc. A no-op off Linux.</summary>
    private static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(folder, ReadOnly);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
