namespace Edge.Testing;

/// <summary>Finds the repository and the built programs the tests start as real processes.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Build configuration the tests themselves were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    /// <summary>The device host's built dll.</summary>
    public static string DeviceDll => BuiltDll("device/Host", "Edge.Device");

    /// <summary>The fleet server's built dll.</summary>
    public static string FleetDll => BuiltDll("fleet", "Edge.Fleet");

    /// <summary>The load generator's built dll (tests/Edge.LoadGen).</summary>
    public static string LoadGenDll => BuiltDll("tests/Edge.LoadGen", "Edge.LoadGen");

    /// <summary>The benchmarks' built dll (tests/Edge.Benchmarks), for tests that run a verb's short slice.</summary>
    public static string BenchmarksDll => BuiltDll("tests/Edge.Benchmarks", "Edge.Benchmarks");

    public static string BuiltDll(string projectFolder, string assembly)
    {
        var path = Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", assembly + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Build {projectFolder} ({Configuration}) before running these tests.", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
