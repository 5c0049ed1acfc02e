namespace Edge.Device.Launcher;

/// <summary>
/// Settings of the launcher (section <c>Launcher</c>, from <c>--Launcher:Key=value</c> before <c>--</c>, or
/// environment <c>Launcher__Key</c>). Everything after <c>--</c> is passed to the host unchanged.
/// </summary>
public sealed class LauncherOptions
{
    public const string Section = "Launcher";

    /// <summary>The install root (<see cref="Updates.InstallLayout"/>); required.</summary>
    public string InstallRoot { get; set; } = "";

    /// <summary>
    /// The program that runs a framework-dependent host (<c>dotnet {release}/Edge.Device.dll</c>); a Native AOT host
    /// (<c>{release}/Edge.Device</c>, no dll beside it: <see cref="Updates.HostProgram"/>) is started without it.
    /// </summary>
    public string Dotnet { get; set; } = "dotnet";

    /// <summary>Starts of a version on trial before it is given up (a power cut or a watchdog kill each cost one).</summary>
    public int MaxTrialStarts { get; set; } = 3;

    /// <summary>How long a stopping host gets between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(InstallRoot))
        {
            yield return $"{Section}:InstallRoot is required";
        }

        if (MaxTrialStarts is < 1 or > 100)
        {
            yield return $"{Section}:MaxTrialStarts must be 1-100 (got {MaxTrialStarts})";
        }
    }
}
