namespace Edge.Device.Provisioning;

/// <summary>How this device got (or is getting) its identity, as <c>GET /status</c> shows it under <c>provisioning</c>.</summary>
public sealed record ProvisioningView(string State, string? ClaimFile, string? Error);

/// <summary>
/// Where provisioning stands, for <c>/status</c>: <c>identity</c> (identity.json was there), <c>none</c> (no
/// identity, no code), <c>provisioning</c>, <c>provisioned</c>, <c>refused</c> (the fleet refused the code, which
/// stays in its claim file), <c>not-trusted</c> (the fleet is not the pinned one) or <c>claim-file-damaged</c>;
/// with the claim file in use and the last error. Filled in before the host is built and by
/// <see cref="FirstBootProvisioner"/>.
/// </summary>
public sealed class ProvisioningState
{
    private readonly Lock _lock = new();
    private ProvisioningView _view = new("none", null, null);

    /// <summary>The claim file the code came from, if it came from one.</summary>
    public ClaimFileSource? ClaimFile { get; private set; }

    public ProvisioningView View
    {
        get
        {
            lock (_lock)
            {
                return _view;
            }
        }
    }

    public void Set(string state, string? error = null)
    {
        lock (_lock)
        {
            _view = new ProvisioningView(state, ClaimFile?.Path ?? _view.ClaimFile, error);
        }
    }

    public void UseClaimFile(ClaimFileSource source)
    {
        ClaimFile = source;
        Set("provisioning");
    }

    /// <summary>Damaged claim files that were skipped (one error naming each).</summary>
    public void Damaged(IReadOnlyList<string> problems) => Set("claim-file-damaged", string.Join("; ", problems));

    /// <summary>
    /// Provisioned as <paramref name="identity"/>: the code is removed from its claim file, if it came from one. The
    /// message to log (what was done, or why the file could not be changed).
    /// </summary>
    public string? Provisioned(DeviceIdentity identity)
    {
        Set("provisioned");
        if (ClaimFile is not { } file)
        {
            return null;
        }

        return file.MarkUsed(identity.DeviceId, identity.ProvisionedAt) is { } problem
            ? $"the claim code could not be removed from {file.Path} ({problem}): remove it by hand, it is used"
            : $"claim code removed from {file.Path} (used)";
    }
}
