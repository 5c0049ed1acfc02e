using Edge.EndToEnd.Tests.Queue;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// <see cref="OfflineTransferTests"/> on the Native AOT host: LAN traffic between a centre's devices while the fleet is
/// down (signed with the centre key the fleet gave), and the lists of options objects (Queue:Fields, Queue:Transfers)
/// that bound empty under AOT until their getters named them with [DynamicDependency].
/// </summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeOfflineTransferTests(ITestOutputHelper output, NativeHostBuild host) : OfflineTransferTests(output, host.Program);
