namespace Edge.Storage;

/// <summary>Files only the service user may read (secrets): temp file created 0600, flushed, then renamed over.</summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, byte[] content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to a new file; a leftover temp file keeps its mode otherwise.
            File.SetUnixFileMode(temp, OwnerOnly);
        }

        File.Move(temp, path, overwrite: true);
    }
}
