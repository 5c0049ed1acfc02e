using Edge.Testing;

namespace Edge.EndToEnd.Tests.Deploy;

/// <summary>
/// device/deploy/install.sh run into a staging folder (<c>--destdir</c>), as the deploy and bundle tests run it;
/// optionally with a PATH holding only the tools the script uses, as on a Pi without .NET.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class InstallScript
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "device/deploy/install.sh");

    /// <summary>Runs install.sh with <paramref name="args"/>; its exit code and everything it printed.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(TempFolder folder, IEnumerable<string> args, bool withoutDotnet = false)
    {
        var environment = withoutDotnet ? new Dictionary<string, string> { ["PATH"] = ToolsWithoutDotnet(folder) } : null;
        using var script = ChildProcess.Start("install.sh", "/bin/sh", [Path, .. args], folder.Path, environment);
        var exit = await script.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, script.Text);
    }

    /// <summary>A folder of links to the tools install.sh uses, and no dotnet: the PATH of a Pi without .NET.</summary>
    private static string ToolsWithoutDotnet(TempFolder folder)
    {
        var bin = folder["bin-without-dotnet"];
        if (!Directory.Exists(bin))
        {
            Directory.CreateDirectory(bin);
            foreach (var tool in new[] { "dirname", "cat", "grep", "mkdir", "rm", "cp", "mv", "ln", "sed", "install", "chmod", "readlink" })
            {
                var found = new[] { "/usr/bin", "/bin" }.Select(dir => System.IO.Path.Combine(dir, tool)).First(File.Exists);
                File.CreateSymbolicLink(System.IO.Path.Combine(bin, tool), found);
            }
        }

        return bin;
    }
}
