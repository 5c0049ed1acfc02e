namespace Edge.Device.Updates;

/// <summary>
/// Where an updatable host lives (device/Updates/README.md):
/// <code>
/// {root}/launcher/            the launcher (installed once, never replaced by an update)
/// {root}/releases/{version}/  one folder per installed version of the host (published output)
/// {root}/current -> releases/{version}   symlink the launcher runs, swapped atomically by rename(2)
/// {root}/incoming/            downloads being verified (never run, never unpacked before verified)
/// {root}/state/               trial.json, healthy, outcome.json, rolled-back/{version}
/// </code>
/// The outbox and the device's identity live in the data folder (Device:DataDir), outside {root}: no update or
/// rollback ever touches them.
/// </summary>
public sealed class InstallLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Releases => Path.Combine(Root, "releases");

    public string Current => Path.Combine(Root, "current");

    public string Incoming => Path.Combine(Root, "incoming");

    public string State => Path.Combine(Root, "state");

    /// <summary>Written by the host before it switches; removed by the launcher when the trial ends either way.</summary>
    public string TrialFile => Path.Combine(State, "trial.json");

    /// <summary>Written by a host on trial once its uplink is connected and its loops are alive; holds its version.</summary>
    public string HealthyFile => Path.Combine(State, "healthy");

    /// <summary>Written by the launcher when a trial ends (kept or rolled back), for the host to report to the fleet.</summary>
    public string OutcomeFile => Path.Combine(State, "outcome.json");

    /// <summary>One marker per version that was rolled back, holding the reason: it is not tried again.</summary>
    public string RolledBackMarker(string version) => Path.Combine(State, "rolled-back", version);

    public string ReleaseFolder(string version) => Path.Combine(Releases, version);

    public void EnsureFolders()
    {
        Directory.CreateDirectory(Releases);
        Directory.CreateDirectory(Incoming);
        Directory.CreateDirectory(Path.Combine(State, "rolled-back"));
    }
}
