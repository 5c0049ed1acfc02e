namespace Edge.Device;

/// <summary>
/// Turns bare flags into settings before the standard command-line provider sees them
/// (it would otherwise take the next argument as the flag's value): <c>--simulate</c> → <c>Device:Simulate=true</c>.
/// </summary>
public static class HostArguments
{
    public static string[] WithFlagsAsSettings(string[] args) =>
        args.Select(a => a == "--simulate" ? "--Device:Simulate=true" : a).ToArray();
}
