using Edge.EndToEnd.Tests.Security;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// <see cref="DeviceSecurityTests"/> on the Native AOT host: the provision verb and presses acked with the identity it
/// stored; the uplink over TLS to a broker whose CA the device pins, and refused with another CA.
/// </summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeDeviceSecurityTests(ITestOutputHelper output, NativeHostBuild host) : DeviceSecurityTests(output, host.Program);
