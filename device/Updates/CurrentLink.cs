namespace Edge.Device.Updates;

/// <summary>
/// The <c>current</c> symlink: which release the launcher runs. A switch makes a new link beside it and renames it
/// over the old one, so that at every instant <c>current</c> names a complete release (rename(2) is atomic on the
/// same file system; a power cut leaves either the old link or the new one).
/// </summary>
public sealed class CurrentLink(InstallLayout layout)
{
    /// <summary>The version <c>current</c> points at (its release folder's name), or null when there is no link.</summary>
    public string? Version()
    {
        var link = new FileInfo(layout.Current);
        return link.LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;
    }

    /// <summary>The release folder <c>current</c> points at, resolved, or null.</summary>
    public string? Folder() => Version() is { } version ? layout.ReleaseFolder(version) : null;

    public void SwitchTo(string version)
    {
        if (!Directory.Exists(layout.ReleaseFolder(version)))
        {
            throw new DirectoryNotFoundException($"release {version} is not installed in {layout.Releases}");
        }

        var next = layout.Current + ".next";
        File.Delete(next);
        // Relative, so the install root can be moved or mounted elsewhere.
        File.CreateSymbolicLink(next, Path.Combine("releases", version));
        // File.Move would follow a link to a folder and fail; rename(2) replaces the link itself, atomically.
        if (Rename(next, layout.Current) != 0)
        {
            throw new IOException($"rename {next} -> {layout.Current} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);
}
