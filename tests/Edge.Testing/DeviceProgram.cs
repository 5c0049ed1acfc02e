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

    private DeviceProgram(string? nativeProgram) => NativeProgram = nativeProgram;

    /// <summary>The built dll, or the native program <see cref="EnvironmentVariable"/> names.</summary>
    public static DeviceProgram Default { get; } = FromEnvironment();

    /// <summary>The built dll, whatever the environment says.</summary>
    public static DeviceProgram BuiltDll { get; } = new(null);

    /// <summary>The native program at <see cref="NativeProgram"/>, or null for <c>dotnet Edge.Device.dll</c>.</summary>
    public string? NativeProgram { get; }

    public bool IsNative => NativeProgram is not null;

    /// <summary>A native host program (e.g. <see cref="PublishNativeAsync"/>'s).</summary>
    public static DeviceProgram Native(string program) =>
        File.Exists(program) ? new(Path.GetFullPath(program)) : throw new FileNotFoundException("no native device host program", program);

    /// <summary>Starts the host with <paramref name="args"/>, in its own folder (where its appsettings.json lies).</summary>
    public ChildProcess Start(string name, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        NativeProgram is null
            ? ChildProcess.StartDll(name, RepoPaths.DeviceDll, args, environment)
            : ChildProcess.Start(name, NativeProgram, args, Path.GetDirectoryName(NativeProgram)!, environment);

    /// <summary>
    /// Publishes device/Host Native AOT for this machine into <paramref name="folder"/>, with the property
    /// <c>device/deploy/build-bundle.sh --aot</c> publishes it with (<c>-p:PublishAot=true</c>; the host's csproj holds
    /// what that property switches on: the assemblies kept whole, the warnings suppressed). Needs clang, lld and zlib
    /// (device/deploy/README.md, "Native AOT"). A few minutes on two cores.
    /// </summary>
    public static async Task<DeviceProgram> PublishNativeAsync(string folder)
    {
        await ExternalTool.RunAsync("dotnet",
        [
            "publish", Path.Combine(RepoPaths.Root, "device/Host"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-p:PublishAot=true", "-o", folder, "-nologo", "-v", "q",
        ], TimeSpan.FromMinutes(15));
        return Native(Path.Combine(folder, "Edge.Device"));
    }

    public override string ToString() => NativeProgram ?? $"dotnet {RepoPaths.DeviceDll}";

    private static DeviceProgram FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } program ? Native(program) : new(null);
}
