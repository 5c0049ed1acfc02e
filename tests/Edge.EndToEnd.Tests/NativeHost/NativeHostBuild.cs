using System.Diagnostics;
using Edge.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// The device host published Native AOT for this machine once for the whole collection (a few minutes on two cores),
/// into a temp folder: the tests of <see cref="NativeHostCollection"/> start that program instead of
/// <c>dotnet Edge.Device.dll</c>. With <c>EDGE_TEST_DEVICE_HOST</c> set to a native program already published, that one
/// is used and nothing is published.
/// </summary>
public sealed class NativeHostBuild(IMessageSink diagnostics) : IAsyncLifetime
{
    private readonly TempFolder _folder = new("native-host");

    public DeviceProgram Program { get; private set; } = DeviceProgram.BuiltDll;

    public async Task InitializeAsync()
    {
        if (DeviceProgram.Default.IsNative)
        {
            Program = DeviceProgram.Default;
            return;
        }

        var clock = Stopwatch.StartNew();
        Program = await DeviceProgram.PublishAsync(_folder["host"], DeviceProgram.NativeSettings);
        diagnostics.OnMessage(new DiagnosticMessage($"device host published Native AOT in {clock.Elapsed.TotalSeconds:F0} s: {Program}"));
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The device's end-to-end tests that run on the Native AOT host (<see cref="NativeHostBuild"/>).</summary>
[CollectionDefinition(Name)]
public sealed class NativeHostCollection : ICollectionFixture<NativeHostBuild>
{
    public const string Name = "native host";
}
