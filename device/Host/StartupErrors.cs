using Edge.Hosting;

namespace Edge.Device;

/// <summary>
/// Runs the device host through the shared <see cref="HostRunner"/> (a bad setting: one line per problem naming the key,
/// exit code 2; a crash: exit code <see cref="CrashExitCode"/>, never 0), adding the device's own fixable failure: a data
/// folder or file it cannot use (exit code 3).
/// </summary>
public static class StartupErrors
{
    /// <summary>EX_SOFTWARE (sysexits.h): an internal error.</summary>
    public const int CrashExitCode = HostRunner.CrashExitCode;

    /// <summary>The data folder, a peripheral's device file or another path cannot be used.</summary>
    public const int StorageUnusable = 3;

    /// <summary>A background loop that throws stops the host (not ignored), and <see cref="RunAsync"/> turns that into a non-zero exit.</summary>
    public static IServiceCollection StopHostOnCrash(this IServiceCollection services) => HostRunner.StopHostOnCrash(services);

    public static Task<int> RunAsync(IHost host) =>
        HostRunner.RunAsync(host, Console.Error, ex => ex is IOException io ? new StartFailure(io.Message, StorageUnusable) : null);
}
