using System.Runtime.InteropServices;

namespace Edge.Testing;

/// <summary>
/// The device host program the tests start: <c>dotnet Edge.Device.dll</c> as built, or a native program (the host
/// published Native AOT, as the Pi bundle carries it) with the same arguments and environment. The default is the
/// built dll unless <c>EDGE_TEST_DEVICE_HOST</c> names a native program: then every test that starts the device through
/// <see cref="Default"/> (<see cref="DeviceRunner"/> and the verbs' tests) runs that program instead.
/// </summary>
public sealed class DeviceProgram
{
    /// <summary>Environment variable naming a native device host program (a Native AOT publish's Edge.Device).</summary>
    public const string EnvironmentVariable = "EDGE_TEST_DEVICE_HOST";

    /// <summary>
    /// How <c>device/deploy/build-bundle.sh</c> publishes a framework-dependent host (ReadyToRun); the benchmarks
    /// publish a bare worker the same way.
    /// </summary>
    public static readonly IReadOnlyList<string> FrameworkDependentSettings = ["--self-contained", "false", "-p:PublishReadyToRun=true"];

    /// <summary>
    /// How <c>device/deploy/build-bundle.sh --aot</c> publishes the host: the csproj holds what PublishAot switches on
    /// (the assemblies kept whole, the warnings suppressed). Needs clang, lld and zlib (device/deploy/README.md).
    /// </summary>
    public static readonly IReadOnlyList<string> NativeSettings = ["-p:PublishAot=true"];

    private readonly string? _dll;

    private DeviceProgram(string? dll, string? nativeProgram)
    {
        _dll = dll;
        NativeProgram = nativeProgram;
    }

    /// <summary>The built dll, or the native program <see cref="EnvironmentVariable"/> names.</summary>
    public static DeviceProgram Default { get; } = FromEnvironment();

    /// <summary>The built dll, whatever the environment says.</summary>
    public static DeviceProgram BuiltDll { get; } = new(null, null);

    /// <summary>The native program, or null when the host is a dll started with <c>dotnet</c>.</summary>
    public string? NativeProgram { get; }

    public bool IsNative => NativeProgram is not null;

    /// <summary>A native host program (e.g. <see cref="PublishAsync"/>'s with <see cref="NativeSettings"/>).</summary>
    public static DeviceProgram Native(string program) =>
        File.Exists(program) ? new(null, Path.GetFullPath(program)) : throw new FileNotFoundException("no native device host program", program);

    /// <summary>A host dll other than the built one (a published folder's), started with <c>dotnet</c>.</summary>
    public static DeviceProgram Dll(string dll) =>
        File.Exists(dll) ? new(Path.GetFullPath(dll), null) : throw new FileNotFoundException("no device host dll", dll);

    /// <summary>Starts the host with <paramref name="args"/>, in its own folder (where its appsettings.json lies).</summary>
    public ChildProcess Start(string name, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        NativeProgram is null
            ? ChildProcess.StartDll(name, _dll ?? RepoPaths.DeviceDll, args, environment)
            : ChildProcess.Start(name, NativeProgram, args, Path.GetDirectoryName(NativeProgram)!, environment);

    /// <summary>
    /// Publishes device/Host for this machine's RID into <paramref name="folder"/> with <paramref name="settings"/>
    /// (<see cref="NativeSettings"/> or <see cref="FrameworkDependentSettings"/>). Native AOT takes a few minutes on two cores (15 and more when other builds share them).
    /// </summary>
    public static async Task<DeviceProgram> PublishAsync(string folder, IReadOnlyList<string> settings)
    {
        await ExternalTool.RunAsync("dotnet",
        [
            "publish", Path.Combine(RepoPaths.Root, "device/Host"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            .. settings, "-o", folder, "-nologo", "-v", "q",
        ], TimeSpan.FromMinutes(30));
        // A Native AOT publish leaves no Edge.Device.dll: its Edge.Device is the whole program.
        var dll = Path.Combine(folder, "Edge.Device.dll");
        return File.Exists(dll) ? Dll(dll) : Native(Path.Combine(folder, "Edge.Device"));
    }

    public override string ToString() => NativeProgram ?? $"dotnet {_dll ?? RepoPaths.DeviceDll}";

    private static DeviceProgram FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } program ? Native(program) : new(null, null);
}
