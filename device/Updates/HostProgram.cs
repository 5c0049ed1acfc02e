using System.Diagnostics;

namespace Edge.Device.Updates;

/// <summary>
/// How the host in a release folder is started, by one rule the launcher, the updater, the fleet's release verb and
/// device/deploy's scripts share (device/Updates/README.md): a folder holding <c>Edge.Device.dll</c> holds a
/// framework-dependent host, run as <c>dotnet Edge.Device.dll</c> (the apphost <c>Edge.Device</c> published beside
/// it is not used: it would look for a runtime the launcher's <c>Launcher:Dotnet</c> names elsewhere); a folder
/// without it holds the Native AOT host, the program <c>Edge.Device</c>, run directly.
/// </summary>
public sealed record HostProgram(HostKind Kind, string Path)
{
    public const string DllName = "Edge.Device.dll";
    public const string NativeName = "Edge.Device";

    /// <summary>The host in <paramref name="releaseFolder"/>, or null when it holds neither file.</summary>
    public static HostProgram? In(string releaseFolder)
    {
        var dll = System.IO.Path.Combine(releaseFolder, DllName);
        if (File.Exists(dll))
        {
            return new HostProgram(HostKind.FrameworkDependent, dll);
        }

        var native = System.IO.Path.Combine(releaseFolder, NativeName);
        return File.Exists(native) ? new HostProgram(HostKind.Native, native) : null;
    }

    /// <summary>Why <paramref name="releaseFolder"/>'s host cannot be started, or null when it can.</summary>
    public static string? ProblemIn(string releaseFolder) => In(releaseFolder) switch
    {
        null => $"{releaseFolder} holds neither {DllName} nor {NativeName}",
        { Kind: HostKind.Native } native when !IsExecutable(native.Path) => $"{native.Path} is not executable",
        _ => null,
    };

    /// <summary>The process to start: the native program itself, or <paramref name="dotnet"/> with the dll.</summary>
    public ProcessStartInfo StartInfo(string dotnet)
    {
        if (Kind == HostKind.Native)
        {
            return new ProcessStartInfo(Path);
        }

        var info = new ProcessStartInfo(dotnet);
        info.ArgumentList.Add(Path);
        return info;
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>The two kinds of host a release may hold (build-bundle.sh: Native AOT by default, or framework-dependent).</summary>
public enum HostKind
{
    FrameworkDependent,
    Native,
}
